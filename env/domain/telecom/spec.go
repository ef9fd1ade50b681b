package telecom

import (
	"encoding/json"
	"fmt"

	"github.com/batonhq/baton/env/domain"
)

// spec is one tool before it is bound to a database.
type spec struct {
	name, desc string
	params     json.RawMessage
	mutates    bool
	run        func(db *DB, args json.RawMessage) (string, error)
}

// tool makes s a framework tool. Every call is followed by tau2's sync of
// the two sides ([DB.Sync]).
func (s spec) tool() domain.Tool {
	run, name := s.run, s.name
	return domain.Tool{
		Name: s.name, Description: s.desc, Parameters: s.params, Mutates: s.mutates,
		Call: func(d domain.DB, args json.RawMessage) (string, error) {
			db, ok := d.(*DB)
			if !ok {
				return "", fmt.Errorf("telecom: %s: database is %T, not a telecom database", name, d)
			}
			out, err := run(db, args)
			if err != nil {
				return "", err
			}
			// tau2 syncs the two sides after every successful call; a
			// failing sync turns the response into an error while the
			// call's own change stays.
			if err := db.Sync(); err != nil {
				return "", err
			}
			return out, nil
		},
	}
}

func noParams() json.RawMessage { return domain.Schema(map[string]any{}) }

func customerLineParams(what string) json.RawMessage {
	return domain.Schema(map[string]any{
		"customer_id": domain.Str("ID of the customer who owns the line."),
		"line_id":     domain.Str("ID of the line to " + what + "."),
	}, "customer_id", "line_id")
}

type customerLine struct {
	CustomerID string `json:"customer_id"`
	LineID     string `json:"line_id"`
}
