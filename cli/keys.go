package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/store"
	"github.com/batonhq/baton/store/storeopen"
)

func init() {
	register(Command{Name: "keys", Short: "create, list and revoke API keys of baton serve; set their budgets", Run: runKeys})
}

const keysAbout = `Manages the API keys of "baton serve", directly in its database (--db).
A key's secret is shown once, at creation; only its hash is stored.

  baton keys create --name NAME [--per-day USD] [--per-month USD] [--total USD] [--rate N]
  baton keys list
  baton keys revoke KEY_ID
  baton keys set-budget KEY_ID [--per-day USD] [--per-month USD] [--total USD]

Budgets are in US dollars (e.g. 5 or 0.25); 0 means unlimited. Day and month
are UTC calendar periods. set-budget changes only the limits given.

A key whose call was billed beyond its reservation (an upstream ignoring
max_tokens) is charged the reservation and frozen: "keys list" shows its
OVERAGE as "(frozen)", and set-budget acknowledges it and unfreezes the key.`

// dbFlag registers --db on fs.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "baton.db", "store: a SQLite file path, or a postgres:// URL")
}

func runKeys(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "keys", "keys create|list|revoke|set-budget [flags]", keysAbout)
	db := dbFlag(fs)
	name := fs.String("name", "", "key name (create)")
	perDay := fs.String("per-day", "", "daily budget in USD; 0 is unlimited")
	perMonth := fs.String("per-month", "", "monthly budget in USD; 0 is unlimited")
	total := fs.String("total", "", "all-time budget in USD; 0 is unlimited")
	rate := fs.Int("rate", 0, "requests per minute (create); 0 is unlimited")
	asJSON := fs.Bool("json", false, "print JSON")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return fmt.Errorf("%w: want a subcommand: create, list, revoke or set-budget", ErrUsage)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	amount := func(flagName, v string, into *money.Amount) error {
		if !set[flagName] {
			return nil
		}
		a, err := money.Parse(v)
		if err != nil || a < 0 {
			return fmt.Errorf("%w: --%s %q: want a non-negative amount in USD such as 5 or 0.25", ErrUsage, flagName, v)
		}
		*into = a
		return nil
	}
	readBudget := func(b *store.KeyBudget) error {
		if err := amount("per-day", *perDay, &b.PerDay); err != nil {
			return err
		}
		if err := amount("per-month", *perMonth, &b.PerMonth); err != nil {
			return err
		}
		return amount("total", *total, &b.Total)
	}
	wantArgs := func(n int, usage string) error {
		if len(pos) != n+1 {
			return fmt.Errorf("%w: want baton keys %s", ErrUsage, usage)
		}
		return nil
	}
	switch pos[0] {
	case "create", "list", "revoke", "set-budget":
	default:
		return fmt.Errorf("%w: unknown keys subcommand %q; want create, list, revoke or set-budget", ErrUsage, pos[0])
	}
	st, err := storeopen.Open(ctx, *db, store.ForAdmin()) // beside a running server: no lock, no reservations
	if err != nil {
		return err
	}
	defer st.Close()

	switch pos[0] {
	case "create":
		if err := wantArgs(0, "create --name NAME [budget flags]"); err != nil {
			return err
		}
		nk := store.NewKey{Name: *name, RatePerMinute: *rate}
		if err := readBudget(&nk.Budget); err != nil {
			return err
		}
		k, secret, err := st.CreateKey(ctx, nk)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(env.Stdout).Encode(map[string]any{"key": k, "secret": secret})
		}
		fmt.Fprintf(env.Stdout, "Created key %s (%s).\nSecret (shown once; send it as \"Authorization: Bearer <secret>\"):\n%s\n", k.ID, orDash(k.Name), secret)
		return nil
	case "list":
		if err := wantArgs(0, "list"); err != nil {
			return err
		}
		ks, err := st.ListKeys(ctx)
		if err != nil {
			return err
		}
		type row struct {
			store.Key
			Spent store.Spending `json:"spent"`
		}
		rows := make([]row, 0, len(ks))
		for _, k := range ks {
			sp, err := st.Spent(ctx, k.ID)
			if err != nil {
				return err
			}
			rows = append(rows, row{k, sp})
		}
		if *asJSON {
			return json.NewEncoder(env.Stdout).Encode(rows)
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tPER DAY\tPER MONTH\tTOTAL\tRATE/MIN\tSPENT TODAY\tSPENT TOTAL\tOVERAGE\tCREATED\tREVOKED")
		for _, r := range rows {
			over := "-"
			if r.Spent.Overage > 0 {
				over = r.Spent.Overage.String()
			}
			if r.Spent.OpenOverage > 0 {
				over += " (frozen)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%v\n", r.ID, orDash(r.Name), r.Prefix,
				limit(r.Budget.PerDay), limit(r.Budget.PerMonth), limit(r.Budget.Total), rateText(r.RatePerMinute),
				r.Spent.Day, r.Spent.Total, over, r.Created.Format(time.DateOnly), r.Revoked)
		}
		return tw.Flush()
	case "revoke":
		if err := wantArgs(1, "revoke KEY_ID"); err != nil {
			return err
		}
		if err := st.RevokeKey(ctx, pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Revoked key %s.\n", pos[1])
		return nil
	default: // set-budget
		if err := wantArgs(1, "set-budget KEY_ID [--per-day USD] [--per-month USD] [--total USD]"); err != nil {
			return err
		}
		if !set["per-day"] && !set["per-month"] && !set["total"] {
			return fmt.Errorf("%w: set-budget needs at least one of --per-day, --per-month, --total", ErrUsage)
		}
		k, err := st.GetKey(ctx, pos[1])
		if err != nil {
			return err
		}
		b := k.Budget
		if err := readBudget(&b); err != nil {
			return err
		}
		before, err := st.Spent(ctx, k.ID)
		if err != nil {
			return err
		}
		if err := st.SetBudget(ctx, k.ID, b); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "Key %s: per day %s, per month %s, total %s.\n", k.ID, limit(b.PerDay), limit(b.PerMonth), limit(b.Total))
		if before.OpenOverage > 0 {
			fmt.Fprintf(env.Stdout, "Its overage of %s (calls billed beyond their reservations) is acknowledged; the key can spend again.\n", before.OpenOverage)
		}
		return nil
	}
}

func limit(a money.Amount) string {
	if a <= 0 {
		return "unlimited"
	}
	return a.String()
}

func rateText(n int) string {
	if n <= 0 {
		return "unlimited"
	}
	return fmt.Sprint(n)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
