package mathsolve

import "math/big"

// node is a parsed expression. col is the column of the token that names
// the operation, used in evaluation errors.
type node interface{ column() int }

type (
	numNode struct {
		col int
		val *big.Rat
	}
	// nameNode is a bare identifier: a constant such as pi.
	nameNode struct {
		col  int
		name string
	}
	unaryNode struct {
		col int
		op  string // "-" or "+"
		x   node
	}
	binaryNode struct {
		col  int
		op   string // canonical operator, see operators
		x, y node
	}
	factNode struct {
		col int
		x   node
	}
	callNode struct {
		col  int
		name string
		args []node
	}
	// parenNode keeps explicit parentheses so that "(-2)^2" and "-2^2"
	// stay distinct in the tree as they are in the source.
	parenNode struct {
		col int
		x   node
	}
)

func (n *numNode) column() int    { return n.col }
func (n *nameNode) column() int   { return n.col }
func (n *unaryNode) column() int  { return n.col }
func (n *binaryNode) column() int { return n.col }
func (n *factNode) column() int   { return n.col }
func (n *callNode) column() int   { return n.col }
func (n *parenNode) column() int  { return n.col }
