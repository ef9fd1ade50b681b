package gateway

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// PrintTable writes the rows as an aligned table, then a line per stream
// setting and concurrency comparing Baton's pass-through with direct calls
// and with ReverseProxy.
func PrintTable(w io.Writer, r *Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "path\tstream\tconc\treqs\terrors\tp50 ms\tp99 ms\treq/s\t+p50 ms\t+p99 ms\t×RP p99\tCPU µs/req\t+CPU µs\tledger p50/p99 ms\t\n")
	for _, x := range r.Rows {
		vs, ledger := "", ""
		if x.VsReverseProxy > 0 {
			vs = fmt.Sprintf("%.2f", x.VsReverseProxy)
		}
		if x.LedgerWrites > 0 {
			ledger = fmt.Sprintf("%.2f / %.2f", x.LedgerP50, x.LedgerP99)
		}
		added50, added99, addedCPU := "", "", ""
		if x.Path != PathDirect {
			added50, added99, addedCPU = fmt.Sprintf("%+.2f", x.AddedP50), fmt.Sprintf("%+.2f", x.AddedP99), fmt.Sprintf("%+.0f", x.AddedCPU)
		}
		fmt.Fprintf(tw, "%s\t%v\t%d\t%d\t%d\t%.2f\t%.2f\t%.0f\t%s\t%s\t%s\t%.0f\t%s\t%s\t\n",
			x.Path, x.Stream, x.Concurrency, x.Requests, x.Errors, x.P50, x.P99, x.RPS, added50, added99, vs, x.CPUPerRequest, addedCPU, ledger)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "\n%d CPUs, GOMAXPROCS %d, %s; client, servers and upstream in one process; upstream reply: %s.\n"+
		"+p50/+p99: added over direct at the same setting; ×RP: Baton's added p99 over ReverseProxy's;\n"+
		"CPU µs/req: the process's CPU time per request (client and upstream included), +CPU: over direct.\n",
		r.NumCPU, r.GOMAXPROCS, r.GoVersion, r.Reply)
	return err
}
