package ingest

import (
	"slices"

	"github.com/bakenhub/baken/pkg/textnorm"
)

// detectLanguage says whether text is Dutch ("nl") or English ("en"), with
// the function-word count classify uses too; def when it cannot tell.
func detectLanguage(text, def string) string {
	return textnorm.Language(slices.Values(textnorm.Words(textnorm.Fold(text))), def)
}
