package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/batonhq/baton/money"
	"github.com/batonhq/baton/tool"
)

func init() {
	register(Command{Name: "tools", Short: "list tools, list tool kinds, or call a tool", Run: runTools})
}

const toolsAbout = `With no arguments, lists the tools configured in baton.yaml (plus the
default local tools) with price, typical latency and tags.

  baton tools                         list configured tools
  baton tools kinds                   list registered tool kinds for baton.yaml
  baton tools call NAME 'JSON'        call one tool with JSON arguments
  baton tools call NAME -             read the JSON arguments from stdin

A call that returns an error result exits with status 1.`

func runTools(ctx context.Context, env *Env, args []string) error {
	fs := newFlags(env, "tools", "tools [kinds | call NAME JSON] [flags]", toolsAbout)
	cfgPath := configFlag(fs)
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 && pos[0] == "kinds" {
		tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "KIND\tDEFAULT\tDESCRIPTION")
		for _, k := range tool.Kinds() {
			fmt.Fprintf(tw, "%s\t%v\t%s\n", k.ID, k.Default, k.Doc)
		}
		return tw.Flush()
	}
	_, set, err := openTools(ctx, env, *cfgPath)
	if err != nil {
		return err
	}
	defer set.Close()
	if len(pos) == 0 {
		return listTools(env, set, *asJSON)
	}
	if pos[0] != "call" {
		return fmt.Errorf("%w: unknown tools subcommand %q; want kinds or call", ErrUsage, pos[0])
	}
	if len(pos) < 2 || len(pos) > 3 {
		return fmt.Errorf("%w: want baton tools call NAME 'JSON'", ErrUsage)
	}
	name, raw := pos[1], "{}"
	if len(pos) == 3 {
		raw = pos[2]
	}
	if raw == "-" {
		b, err := readAllLimited(env.Stdin, 8<<20)
		if err != nil {
			return err
		}
		raw = string(b)
	}
	if _, err := set.Get(name); err != nil {
		return err
	}
	res, err := set.Call(ctx, name, json.RawMessage(raw))
	if err != nil {
		return err
	}
	if *asJSON {
		if err := writeJSON(env.Stdout, res); err != nil {
			return err
		}
	} else {
		fmt.Fprintln(env.Stdout, res.Content)
		fmt.Fprintf(env.Stderr, "-- %s: cost %s, %s%s\n", name, res.Cost, res.Latency.Round(time.Microsecond), map[bool]string{true: ", ERROR", false: ""}[res.IsError])
	}
	if res.IsError {
		return ExitError{Code: 1}
	}
	return nil
}

func listTools(env *Env, set *tool.Set, asJSON bool) error {
	if asJSON {
		return writeJSON(env.Stdout, set.Specs())
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tPRICE\tLATENCY\tTAGS\tDESCRIPTION")
	for _, s := range set.Specs() {
		desc := s.Description
		if i := strings.IndexAny(desc, "\n"); i >= 0 {
			desc = desc[:i]
		}
		if len(desc) > 70 {
			desc = desc[:67] + "..."
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Name, formatPrice(s.Price), s.Latency, strings.Join(s.Tags, ","), desc)
	}
	return tw.Flush()
}

func formatPrice(p money.Price) string {
	if p.IsZero() {
		return "free"
	}
	var parts []string
	if p.PerCall != 0 {
		parts = append(parts, p.PerCall.String()+"/call")
	}
	if p.PerSecond != 0 {
		parts = append(parts, p.PerSecond.String()+"/s")
	}
	if p.InputPerM != 0 || p.OutputPerM != 0 {
		parts = append(parts, p.InputPerM.String()+"/"+p.OutputPerM.String()+" per 1M tok")
	}
	return strings.Join(parts, " + ")
}
