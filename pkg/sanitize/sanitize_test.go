package sanitize

import (
	"testing"
)

func TestHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{`<p>Tekst</p><script>alert(1)</script>`, `<p>Tekst</p>`},
		{`<a href="javascript:alert(1)">x</a>`, `x`},
		{`<img src=x onerror=alert(1)>`, `<img src="x">`},
		{`<a href="https://www.nctv.nl/">NCTV</a>`, `<a href="https://www.nctv.nl/" rel="noreferrer">NCTV</a>`},
	}
	for _, tt := range tests {
		if got := HTML(tt.in); got != tt.want {
			t.Errorf("HTML(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestURL(t *testing.T) {
	for _, u := range []string{"https://www.politie.nl/nieuws", "http://www.example.nl/?r123#a", "HTTPS://X.NL/"} {
		if URL(u) != u {
			t.Errorf("URL(%q) dropped", u)
		}
	}
	for _, u := range []string{"javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,<script>", "vbscript:msgbox", "/relatief", "//x.nl/a", ""} {
		if got := URL(u); got != "" {
			t.Errorf("URL(%q) = %q, want it dropped", u, got)
		}
	}
}
