package publish

import "strings"

// rssText prepares plain text for an RSS element that readers may render
// as HTML (RSS 2.0 does not say which): < and > become entities, so a
// title that spells markup ("<script>", or "&lt;script&gt;" at its source)
// stays visible text in every reader. & is left alone: readers that show
// the text as it is see "A & B", and HTML readers read a lone & as itself.
func rssText(s string) string {
	return strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(s)
}
