package bus

import "strings"

// OutNone is the token of an item without a theme or without a district
// in its subject on BAKEN_OUT: baken.out._.utrecht-stad, baken.out.terrorisme._,
// baken.out._._.
const OutNone = "_"

// OutSubjects are the subjects of an item on BAKEN_OUT, one per theme ×
// district pair: baken.out.<theme>.<district>, with OutNone for a missing
// one. Ids are slugs; a character a subject token cannot hold becomes "-".
func OutSubjects(themes, districts []string) []string {
	if len(themes) == 0 {
		themes = []string{OutNone}
	}
	if len(districts) == 0 {
		districts = []string{OutNone}
	}
	var out []string
	for _, t := range themes {
		for _, d := range districts {
			out = append(out, OutSubject+"."+token(t)+"."+token(d))
		}
	}
	return out
}

// token makes s one subject token.
func token(s string) string {
	if s == "" {
		return OutNone
	}
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '*' || r == '>' || r <= ' ' || r == 0x7f {
			return '-'
		}
		return r
	}, s)
}
