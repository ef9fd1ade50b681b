package sandbox

import (
	"fmt"
	"strings"
	"sync/atomic"
	"unicode"

	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Starlark's operators allocate their whole result in one Go call that
// neither the step limit nor cancellation can interrupt: [0] * (1 << 29)
// asks for 8 GiB at once, and s = s + s doubles in a few steps. So the
// program's syntax tree is rewritten before compiling: every operator that
// can build a large value (*, +, %, and +=, *= or %= on a name) and every
// call of the string methods join, replace, format, split, rsplit and
// splitlines becomes a call of a
// predeclared builtin that estimates the result's size first and refuses
// one that would not fit in the run's memory budget. The builtins' names
// contain a space, so a program can neither name nor shadow them, and an
// error's backtrace reads "Error in operator *: ...".
const (
	opMul    = "operator *"
	opAdd    = "operator +"
	opMod    = "operator %"
	opAddEq  = "operator +="
	opMethod = "method call"
)

// intProduct names the multiplication of two integers, which is capped at
// maxIntBytes: one product of huge integers is a single Go call that runs
// for seconds without checking for cancellation.
const (
	intProduct  = "integer product"
	maxIntBytes = 1 << 20
)

// valueBytes is what one element of a list or tuple costs: an interface.
const valueBytes = 16

// checkAtBytes is the estimated size from which the builtins also compare
// the heap's growth with the budget; smaller results are always allowed.
const checkAtBytes = 1 << 20

// memBudget is one run's memory account, shared by the heap watchdog
// (which lowers base as the heap shrinks) and the operator builtins.
type memBudget struct {
	limit uint64
	// maxSteps is the run's step limit; a method call whose work is
	// proportional to a count (replacements, pieces) may not do more of it
	// than the steps left, as it cannot be interrupted.
	maxSteps uint64
	base     atomic.Uint64
	// exceeded records the limit as the reason the run stopped.
	exceeded func(reason string)
}

const budgetKey = "baton.memBudget"

// reserve refuses an allocation of n bytes that would take the run past
// its limit, recording why; what says what was being built.
func (b *memBudget) reserve(n uint64, what string) error {
	if b == nil {
		return nil
	}
	over := n > b.limit
	if !over && n >= checkAtBytes {
		grown := heapBytes() - min(b.base.Load(), heapBytes())
		over = grown+n > b.limit
	}
	if !over {
		return nil
	}
	msg := fmt.Sprintf("memory limit %d MiB exceeded", b.limit>>20)
	b.exceeded(msg)
	return fmt.Errorf("%s: %s would need %s", msg, what, sizeString(int(min(n, 1<<62))))
}

func budgetOf(thread *starlark.Thread) *memBudget {
	b, _ := thread.Local(budgetKey).(*memBudget)
	return b
}

// allocBuiltins are the predeclared builtins the rewritten program calls.
func allocBuiltins() starlark.StringDict {
	return starlark.StringDict{
		opMul:    starlark.NewBuiltin(opMul, binaryOp(syntax.STAR)),
		opAdd:    starlark.NewBuiltin(opAdd, binaryOp(syntax.PLUS)),
		opMod:    starlark.NewBuiltin(opMod, binaryOp(syntax.PERCENT)),
		opAddEq:  starlark.NewBuiltin(opAddEq, inplaceAdd),
		opMethod: starlark.NewBuiltin(opMethod, methodCall),
	}
}

func binaryOp(op syntax.Token) func(*starlark.Thread, *starlark.Builtin, starlark.Tuple, []starlark.Tuple) (starlark.Value, error) {
	return func(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
		x, y := args[0], args[1]
		if _, isFormat := x.(starlark.String); isFormat && op == syntax.PERCENT {
			vals := []starlark.Value{y}
			if t, ok := y.(starlark.Tuple); ok {
				vals = t
			}
			if err := checkText(thread, "the text of the % arguments", vals...); err != nil {
				return nil, err
			}
		}
		if n, what := binarySize(op, x, y); n > 0 {
			if what == intProduct && n > maxIntBytes {
				return nil, fmt.Errorf("%s would need %s; integers are capped at %s here so that every operation stays interruptible",
					what, sizeString(int(min(n, 1<<62))), sizeString(maxIntBytes))
			}
			if err := budgetOf(thread).reserve(n, what); err != nil {
				return nil, err
			}
		}
		return starlark.Binary(op, x, y)
	}
}

// inplaceAdd is x += y: lists are extended in place, as the interpreter
// does; everything else is x + y.
func inplaceAdd(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, _ []starlark.Tuple) (starlark.Value, error) {
	x, y := args[0], args[1]
	if l, ok := x.(*starlark.List); ok {
		if _, ok := y.(starlark.Iterable); ok {
			if n := starlark.Len(y); n > 0 {
				// The grown array, and the old one until it is collected.
				if err := budgetOf(thread).reserve(uint64(2*l.Len()+n)*valueBytes, "list +="); err != nil {
					return nil, err
				}
			}
			extend, err := l.Attr("extend")
			if err != nil {
				return nil, err
			}
			if _, err := starlark.Call(thread, extend, starlark.Tuple{y}, nil); err != nil {
				return nil, err
			}
			return l, nil
		}
	}
	return binaryOp(syntax.PLUS)(thread, nil, args, nil)
}

// binarySize estimates the bytes x op y allocates, or 0 when small or
// unknown (the operation then runs, or fails, as it always would).
func binarySize(op syntax.Token, x, y starlark.Value) (uint64, string) {
	switch op {
	case syntax.STAR:
		seq, n := x, y
		if _, ok := x.(starlark.Int); ok {
			seq, n = y, x
		}
		count, ok := n.(starlark.Int)
		if !ok {
			return 0, ""
		}
		if a, ok := seq.(starlark.Int); ok {
			bits := intBits(a) + intBits(count)
			return uint64(bits / 8), intProduct
		}
		c, ok := count.Int64()
		if !ok || c <= 0 {
			return 0, "" // Starlark's own error or an empty result
		}
		switch s := seq.(type) {
		case starlark.String:
			return mulSat(uint64(len(s)), uint64(c)), "string repetition"
		case starlark.Bytes:
			return mulSat(uint64(len(s)), uint64(c)), "bytes repetition"
		case *starlark.List:
			return mulSat(uint64(s.Len())*valueBytes, uint64(c)), "list repetition"
		case starlark.Tuple:
			return mulSat(uint64(len(s))*valueBytes, uint64(c)), "tuple repetition"
		}
	case syntax.PLUS:
		// The result and both operands are alive at once: twice the
		// result, so one step's peak stays within the budget however late
		// the collector frees the operands.
		switch a := x.(type) {
		case starlark.String:
			if b, ok := y.(starlark.String); ok {
				return 2 * uint64(len(a)+len(b)), "string concatenation"
			}
		case starlark.Bytes:
			if b, ok := y.(starlark.Bytes); ok {
				return 2 * uint64(len(a)+len(b)), "bytes concatenation"
			}
		case *starlark.List:
			if b, ok := y.(*starlark.List); ok {
				return 2 * uint64(a.Len()+b.Len()) * valueBytes, "list concatenation"
			}
		case starlark.Tuple:
			if b, ok := y.(starlark.Tuple); ok {
				return 2 * uint64(len(a)+len(b)) * valueBytes, "tuple concatenation"
			}
		}
	case syntax.PERCENT:
		f, ok := x.(starlark.String)
		if !ok {
			return 0, ""
		}
		// Each conversion may insert the longest string argument.
		longest := 0
		switch a := y.(type) {
		case starlark.String:
			longest = len(a)
		case starlark.Tuple:
			for _, v := range a {
				if s, ok := v.(starlark.String); ok {
					longest = max(longest, len(s))
				}
			}
		}
		return uint64(len(f)) + mulSat(uint64(strings.Count(string(f), "%")), uint64(longest)), "string formatting"
	}
	return 0, ""
}

func intBits(i starlark.Int) int {
	if _, ok := i.Int64(); ok {
		return 64
	}
	return i.BigInt().BitLen()
}

// mulSat is a*b, saturating instead of overflowing.
func mulSat(a, b uint64) uint64 {
	if a != 0 && b > (1<<63)/a {
		return 1 << 63
	}
	return a * b
}

// methodCall is x.name(args...) for the string methods whose result can
// be far larger than their inputs.
func methodCall(thread *starlark.Thread, _ *starlark.Builtin, args starlark.Tuple, kwargs []starlark.Tuple) (starlark.Value, error) {
	x := args[0]
	name := string(args[1].(starlark.String))
	rest := args[2:]
	if s, ok := x.(starlark.String); ok {
		if name == "format" {
			vals := append([]starlark.Value(nil), rest...)
			for _, kw := range kwargs {
				vals = append(vals, kw[1])
			}
			if err := checkText(thread, "the text of format's arguments", vals...); err != nil {
				return nil, err
			}
		}
		n, work := methodSize(s, name, rest)
		b := budgetOf(thread)
		if b != nil && work > 0 {
			if left := b.maxSteps - min(b.maxSteps, thread.ExecutionSteps()); work > left {
				msg := fmt.Sprintf("step limit %d exceeded", b.maxSteps)
				b.exceeded(msg)
				return nil, fmt.Errorf("%s: string %s would do %d pieces of work, more than the %d steps left", msg, name, work, left)
			}
		}
		if n > 0 {
			if err := b.reserve(n, "string "+name); err != nil {
				return nil, err
			}
		}
	}
	ha, ok := x.(starlark.HasAttrs)
	if !ok {
		return nil, fmt.Errorf("%s has no .%s field or method", x.Type(), name)
	}
	m, err := ha.Attr(name)
	if err != nil {
		return nil, err
	}
	if m == nil {
		return nil, fmt.Errorf("%s has no .%s field or method", x.Type(), name)
	}
	return starlark.Call(thread, m, rest, kwargs)
}

// methodSize estimates the bytes s.name(args...) allocates and the
// uninterruptible work it does (replacements made, pieces split), or 0s
// when small or unknown.
func methodSize(s starlark.String, name string, args starlark.Tuple) (bytes, work uint64) {
	switch name {
	case "join":
		if len(args) != 1 {
			return 0, 0
		}
		seq, ok := args[0].(starlark.Indexable)
		if !ok {
			return 0, 0
		}
		var n uint64
		for i := range seq.Len() {
			if e, ok := seq.Index(i).(starlark.String); ok {
				n += uint64(len(e)) + uint64(len(s))
			}
		}
		return 2 * n, 0 // the result and the pieces
	case "replace":
		if len(args) < 2 {
			return 0, 0
		}
		old, ok1 := args[0].(starlark.String)
		repl, ok2 := args[1].(starlark.String)
		if !ok1 || !ok2 {
			return 0, 0
		}
		k := uint64(strings.Count(string(s), string(old)))
		if len(args) > 2 {
			if c, ok := args[2].(starlark.Int); ok {
				if c64, ok := c.Int64(); ok && c64 >= 0 {
					k = min(k, uint64(c64))
				}
			}
		}
		if len(repl) <= len(old) {
			return 0, k
		}
		return 2*uint64(len(s)) + mulSat(k, uint64(len(repl)-len(old))), k // the result and s
	case "split", "rsplit", "splitlines":
		// Each piece costs a string header and a list slot.
		k := uint64(1)
		switch {
		case name == "splitlines":
			k += uint64(strings.Count(string(s), "\n"))
		case len(args) > 0 && args[0] != starlark.None:
			if sep, ok := args[0].(starlark.String); ok && sep != "" {
				k += uint64(strings.Count(string(s), string(sep)))
			}
		default:
			k += countFields(string(s))
		}
		return k * 2 * valueBytes, k
	case "format":
		longest := 0
		for _, a := range args {
			if v, ok := a.(starlark.String); ok {
				longest = max(longest, len(v))
			}
		}
		return uint64(len(s)) + mulSat(uint64(strings.Count(string(s), "{")), uint64(longest)), 0
	}
	return 0, 0
}

// growingMethods are the method names whose calls are routed through
// methodCall.
var growingMethods = map[string]bool{"join": true, "replace": true, "format": true, "split": true, "rsplit": true, "splitlines": true}

// rewriteAllocs rewrites f in place as described at the top of this file.
func rewriteAllocs(f *syntax.File) {
	rewriteStmts(f.Stmts)
}

func rewriteStmts(stmts []syntax.Stmt) {
	for _, s := range stmts {
		switch s := s.(type) {
		case *syntax.AssignStmt:
			s.LHS = rewriteExpr(s.LHS)
			s.RHS = rewriteExpr(s.RHS)
			var fn string
			switch s.Op {
			case syntax.PLUS_EQ:
				fn = opAddEq
			case syntax.STAR_EQ:
				fn = opMul
			case syntax.PERCENT_EQ:
				fn = opMod
			}
			if fn == "" || s.Op != syntax.STAR_EQ && isNumber(s.RHS) {
				continue
			}
			// x op= y becomes x = f(x, y), and so does a[k] op= y when a and
			// k are a name and a name or literal, whose second evaluation is
			// free of effects. Other targets keep the interpreter's own
			// operator.
			if again := reread(s.LHS); again != nil {
				s.RHS = callOf(fn, s.OpPos, again, s.RHS)
				s.Op = syntax.EQ
			}
		case *syntax.DefStmt:
			rewriteParams(s.Params)
			rewriteStmts(s.Body)
		case *syntax.ExprStmt:
			s.X = rewriteExpr(s.X)
		case *syntax.IfStmt:
			s.Cond = rewriteExpr(s.Cond)
			rewriteStmts(s.True)
			rewriteStmts(s.False)
		case *syntax.ForStmt:
			s.Vars = rewriteExpr(s.Vars)
			s.X = rewriteExpr(s.X)
			rewriteStmts(s.Body)
		case *syntax.WhileStmt:
			s.Cond = rewriteExpr(s.Cond)
			rewriteStmts(s.Body)
		case *syntax.ReturnStmt:
			if s.Result != nil {
				s.Result = rewriteExpr(s.Result)
			}
		}
	}
}

// reread returns a fresh copy of the assignment target e for reading it
// again, or nil when that could have effects or e is not a simple target.
func reread(e syntax.Expr) syntax.Expr {
	switch e := e.(type) {
	case *syntax.Ident:
		return &syntax.Ident{NamePos: e.NamePos, Name: e.Name}
	case *syntax.IndexExpr:
		x, ok := e.X.(*syntax.Ident)
		if !ok {
			return nil
		}
		var y syntax.Expr
		switch k := e.Y.(type) {
		case *syntax.Ident:
			y = &syntax.Ident{NamePos: k.NamePos, Name: k.Name}
		case *syntax.Literal:
			c := *k
			y = &c
		default:
			return nil
		}
		return &syntax.IndexExpr{X: &syntax.Ident{NamePos: x.NamePos, Name: x.Name}, Lbrack: e.Lbrack, Y: y, Rbrack: e.Rbrack}
	}
	return nil
}

// rewriteParams rewrites default values (name=expr) only.
func rewriteParams(params []syntax.Expr) {
	for _, p := range params {
		if b, ok := p.(*syntax.BinaryExpr); ok && b.Op == syntax.EQ {
			b.Y = rewriteExpr(b.Y)
		}
	}
}

func rewriteList(list []syntax.Expr) {
	for i, e := range list {
		list[i] = rewriteExpr(e)
	}
}

// rewriteExpr returns e with its allocating operations replaced. Only
// BinaryExpr and CallExpr nodes are ever replaced, so assignment targets
// keep their shape.
func rewriteExpr(e syntax.Expr) syntax.Expr {
	switch e := e.(type) {
	case nil:
		return nil
	case *syntax.BinaryExpr:
		e.X = rewriteExpr(e.X)
		e.Y = rewriteExpr(e.Y)
		switch {
		case e.Op == syntax.STAR && !(isNumber(e.X) && isNumber(e.Y)):
			return callOf(opMul, e.OpPos, e.X, e.Y)
		case e.Op == syntax.PLUS && !isNumber(e.X) && !isNumber(e.Y):
			return callOf(opAdd, e.OpPos, e.X, e.Y)
		case e.Op == syntax.PERCENT && !isNumber(e.X) && !isNumber(e.Y):
			return callOf(opMod, e.OpPos, e.X, e.Y)
		}
	case *syntax.CallExpr:
		e.Fn = rewriteExpr(e.Fn)
		for i, a := range e.Args {
			switch a := a.(type) {
			case *syntax.BinaryExpr:
				if a.Op == syntax.EQ { // name=value
					a.Y = rewriteExpr(a.Y)
					continue
				}
			case *syntax.UnaryExpr: // *args, **kwargs
				a.X = rewriteExpr(a.X)
				continue
			}
			e.Args[i] = rewriteExpr(a)
		}
		if d, ok := e.Fn.(*syntax.DotExpr); ok && growingMethods[d.Name.Name] {
			name := &syntax.Literal{Token: syntax.STRING, TokenPos: d.NamePos, Raw: `"` + d.Name.Name + `"`, Value: d.Name.Name}
			args := append([]syntax.Expr{d.X, name}, e.Args...)
			call := callOf(opMethod, e.Lparen, args...)
			call.Rparen = e.Rparen
			return call
		}
	case *syntax.UnaryExpr:
		e.X = rewriteExpr(e.X)
	case *syntax.ParenExpr:
		e.X = rewriteExpr(e.X)
	case *syntax.IndexExpr:
		e.X = rewriteExpr(e.X)
		e.Y = rewriteExpr(e.Y)
	case *syntax.SliceExpr:
		e.X = rewriteExpr(e.X)
		e.Lo = rewriteExpr(e.Lo)
		e.Hi = rewriteExpr(e.Hi)
		e.Step = rewriteExpr(e.Step)
	case *syntax.DotExpr:
		e.X = rewriteExpr(e.X)
	case *syntax.ListExpr:
		rewriteList(e.List)
	case *syntax.TupleExpr:
		rewriteList(e.List)
	case *syntax.DictExpr:
		rewriteList(e.List)
	case *syntax.DictEntry:
		e.Key = rewriteExpr(e.Key)
		e.Value = rewriteExpr(e.Value)
	case *syntax.CondExpr:
		e.Cond = rewriteExpr(e.Cond)
		e.True = rewriteExpr(e.True)
		e.False = rewriteExpr(e.False)
	case *syntax.LambdaExpr:
		rewriteParams(e.Params)
		e.Body = rewriteExpr(e.Body)
	case *syntax.Comprehension:
		e.Body = rewriteExpr(e.Body)
		for _, c := range e.Clauses {
			switch c := c.(type) {
			case *syntax.ForClause:
				c.Vars = rewriteExpr(c.Vars)
				c.X = rewriteExpr(c.X)
			case *syntax.IfClause:
				c.Cond = rewriteExpr(c.Cond)
			}
		}
	}
	return e
}

// isNumber reports whether e is an int or float literal, with which no
// operator can build a large value (a number times a sequence is still
// checked: only both literals are skipped for *).
func isNumber(e syntax.Expr) bool {
	l, ok := e.(*syntax.Literal)
	return ok && (l.Token == syntax.INT || l.Token == syntax.FLOAT)
}

func callOf(fn string, pos syntax.Position, args ...syntax.Expr) *syntax.CallExpr {
	return &syntax.CallExpr{Fn: &syntax.Ident{NamePos: pos, Name: fn}, Lparen: pos, Args: args, Rparen: pos}
}

// countFields is len(strings.Fields(s)) without building the fields.
func countFields(s string) uint64 {
	var n uint64
	in := false
	for _, r := range s {
		space := unicode.IsSpace(r)
		if !space && !in {
			n++
		}
		in = !space
	}
	return n
}
