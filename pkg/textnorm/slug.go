package textnorm

import "strings"

// Slug turns a name into a URL id: "Gooi en Vechtstreek" -> "gooi-en-vechtstreek",
// "Fryslân" -> "fryslan", "'s-Hertogenbosch" -> "s-hertogenbosch".
func Slug(name string) string {
	return strings.Join(Words(Fold(name)), "-")
}
