package rights

import (
	"fmt"
	"io"
)

// writeCorrectionsText is the text SAR's section on the corrections the
// subject asked for (nothing when there are none).
func writeCorrectionsText(w io.Writer, cs []CorrectionRecord) {
	if len(cs) == 0 {
		return
	}
	fmt.Fprintf(w, "\nCORRECTIONS YOU ASKED FOR\n")
	for _, c := range cs {
		fmt.Fprintf(w, "  %s: corrected on %s at your request", c.Column, c.CorrectedAt.Format("2006-01-02"))
		if c.Request != "" {
			fmt.Fprintf(w, " (request %s)", c.Request)
		}
		if c.Value == "" {
			fmt.Fprintf(w, " — the value was removed\n")
		} else {
			fmt.Fprintf(w, " — now %q\n", c.Value)
		}
	}
	fmt.Fprintf(w, "  every later load from our sources applies these corrections: the former value does not come back\n")
}
