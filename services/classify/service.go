package classify

import (
	"context"
	"runtime"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/stage"
)

// Stage returns the classify stage: raw items in, classified items out.
func (c *Classifier) Stage() stage.Stage {
	return stage.Stage{
		Name:    "classify",
		Stream:  bus.RawStream,
		Subject: bus.ClassifiedSubject,
		// Classifying is pure: one worker per core, plus one publishing.
		Concurrency: runtime.GOMAXPROCS(0) + 1,
		Handler: func(_ context.Context, it item.Item) ([]item.Item, error) {
			return []item.Item{c.Apply(it)}, nil
		},
	}
}
