package toolscale

import (
	"fmt"
	"strings"
)

// policy renders the agent policy for a blueprint: the rules the tools
// enforce, plus conduct rules the tools cannot enforce (identity, consent).
func (bp *blueprint) policy() string {
	p, r, b := words(bp.person.singular), words(bp.resource.singular), words(bp.booking.singular)
	var s strings.Builder
	fmt.Fprintf(&s, "# %s agent policy\n\n", bp.title)
	fmt.Fprintf(&s, "As a %s agent for %s you can help %s look up, create, change and cancel their %s.\n\n", bp.business, bp.title, words(bp.person.plural), words(bp.booking.plural))
	s.WriteString("- Act only through the tools. Do not make up information, ids or procedures.\n")
	s.WriteString("- Make at most one tool call at a time; if you call a tool, do not reply to the user in the same turn.\n")
	s.WriteString("- Deny requests that go against this policy, and say which rule prevents them.\n\n")
	s.WriteString("## Identity\n\n")
	fmt.Fprintf(&s, "- Before any change, identify the %s by email address with `find_%s_by_email`, even if they give their %s id.\n", p, bp.person.singular, p)
	fmt.Fprintf(&s, "- Only act on %s that belong to the identified %s; check the `%s` of every %s before changing it.\n\n", words(bp.booking.plural), p, bp.person.key(), b)
	s.WriteString("## Changes\n\n")
	s.WriteString("- Before a change, list what will happen and obtain the user's explicit confirmation (yes).\n")
	fmt.Fprintf(&s, "- %s a %s only when its status is %s.\n", capitalize(bp.cancel.verb), b, quoted(bp.cancel.from))
	fmt.Fprintf(&s, "- %s a %s only when its status is %s.\n", capitalize(bp.extra.verb), b, quoted(bp.extra.from))
	fmt.Fprintf(&s, "- Change the %s of a %s only when its status is %s.\n", words(bp.modify.field), b, quoted(bp.modify.require))
	fmt.Fprintf(&s, "- New %s may be created only for active %s", words(bp.booking.plural), words(bp.person.plural))
	if bp.create.quantity != "" {
		fmt.Fprintf(&s, ", and only when the %s has enough %s for the requested %s", r, words(bp.create.capacity), words(bp.create.quantity))
	}
	s.WriteString(".\n")
	fmt.Fprintf(&s, "- A %s's %s may be updated at the %s's request after identification.\n", p, bp.contact, p)
	for _, rule := range bp.rules {
		fmt.Fprintf(&s, "- %s\n", rule)
	}
	s.WriteString("\n## Information\n\n")
	fmt.Fprintf(&s, "- When the user asks about a %s or %s, read it with the tools and tell them the values exactly as the tool returns them.\n", b, r)
	s.WriteString("- Transfer to a human agent only when the request cannot be handled with the tools and this policy.\n")
	return articles(s.String())
}
