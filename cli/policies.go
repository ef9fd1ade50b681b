package cli

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/batonhq/baton/policy"
)

func init() {
	register(Command{Name: "policies", Short: "list the policy kinds baton run and serve can use", Run: func(_ context.Context, env *Env, args []string) error {
		fs := newFlags(env, "policies", "policies", "Lists registered policy kinds. Options for each go under policies.<name> in baton.yaml.")
		if _, err := parseInterleaved(fs, args); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "POLICY\tDESCRIPTION")
		for _, k := range policy.Kinds() {
			fmt.Fprintf(tw, "%s\t%s\n", k.Name, k.Doc)
		}
		return tw.Flush()
	}})
}
