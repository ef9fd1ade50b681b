package retail_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/batonhq/baton/dataset"
	"github.com/batonhq/baton/env/domain"
	"github.com/batonhq/baton/env/domain/retail"
)

func open(t testing.TB) *domain.Domain {
	t.Helper()
	ctx := context.Background()
	dir, err := dataset.Resolve(ctx, "tau2-bench", dataset.Options{Offline: true})
	if err != nil {
		t.Skipf("tau2-bench data not available: %v", err)
	}
	d, err := domain.Open(ctx, dir, "retail")
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestWriteTools(t *testing.T) {
	ctx := context.Background()
	d := open(t)
	for _, c := range []struct {
		name, tool, args, want string
		isErr                  bool
	}{
		{"cancel needs pending", "cancel_pending_order", `{"order_id":"#W2611340","reason":"no longer needed"}`, "Error: Non-pending order cannot be cancelled", true},
		{"invalid reason", "cancel_pending_order", `{"order_id":"#W4219264","reason":"because"}`, "Error: Invalid reason", true},
		{"same item", "modify_pending_order_items", `{"order_id":"#W4219264","item_ids":["8886009523"],"new_item_ids":["8886009523"],"payment_method_id":"credit_card_1620755"}`, "Error: The new item id should be different from the old item id", true},
		{"unrounded refund", "modify_pending_order_items", `{"order_id":"#W4219264","item_ids":["8886009523"],"new_item_ids":["2407258246"],"payment_method_id":"credit_card_1620755"}`, `"amount": 121.20000000000005`, false},
		{"return to other card", "return_delivered_order_items", `{"order_id":"#W4680753","item_ids":["9690244451"],"payment_method_id":"nope"}`, "Error: Payment method not found", true},
		{"product types sorted", "list_all_product_types", `{}`, `{"Action Camera": "3377618313", "Air Purifier": "3821016478"`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, _ := d.NewSession(ctx, nil)
			res, err := s.Call(ctx, c.tool, json.RawMessage(c.args))
			if err != nil {
				t.Fatal(err)
			}
			if res.IsError != c.isErr || !strings.Contains(res.Content, c.want) {
				t.Errorf("got %.300q (error %v), want %q (error %v)", res.Content, res.IsError, c.want, c.isErr)
			}
		})
	}
}

// TestModifyItemsKeepsStaleVariant pins tau2's behaviour at the pinned
// commit, visible in the recorded trajectories: every modified item gets
// the price and options of the last new item.
func TestModifyItemsKeepsStaleVariant(t *testing.T) {
	ctx := context.Background()
	s, _ := open(t).NewSession(ctx, nil)
	res, _ := s.Call(ctx, "modify_pending_order_items", json.RawMessage(`{"order_id":"#W9348897","item_ids":["6117189161","7453605304","3799046073"],"new_item_ids":["6700049080","5320792178","3234800602"],"payment_method_id":"credit_card_8853416"}`))
	if res.IsError {
		t.Fatal(res.Content)
	}
	o, _ := s.DB().(*retail.DB).T.Orders.Get("#W9348897")
	// Item 1 (an umbrella) is not modified.
	for i, want := range map[int]string{0: "6700049080", 2: "5320792178", 3: "3234800602"} {
		if it := o.Items[i]; it.ItemID != want || it.Price != 46.66 {
			t.Errorf("item %d = %s at %v, want %s at 46.66", i, it.ItemID, it.Price, want)
		}
	}
	if got := o.PaymentHistory[1]; got.TransactionType != "refund" || got.Amount != 36.12999999999999 {
		t.Errorf("refund = %+v", got)
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"products":{},"users":{},"orders":{}}`,
		`{"products":{"1":{"name":"T","product_id":"1","variants":{"2":{"item_id":"2","options":{"a":"b"},"available":true,"price":1.5}}}}}`,
		`{"orders":{"#W1":null}}`,
		`{"users":{"u":{"payment_methods":{"g":{"source":"gift_card","id":"g","balance":3}}}}}`,
		`nope`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		db, err := retail.Parse(b)
		if err != nil {
			return
		}
		_ = db.Hash()
		_ = domain.PyJSON(db)
	})
}
