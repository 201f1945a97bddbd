package publish

import (
	"context"

	"github.com/bakenhub/baken/pkg/bus"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/pkg/sanitize"
	"github.com/bakenhub/baken/pkg/stage"
)

// outStage is the durable consumer of the curated stream that puts every
// item on BAKEN_OUT for downstream services. Being durable and shared, it
// hands each message to one publish replica, once, and goes on where it
// stopped after a restart; the message ids (item, version, subject) make
// a redelivery no second copy.
const outStage = "publish-out"

// runOut puts curated items on baken.out.<theme>.<district> until ctx is
// done.
func (p *Publisher) runOut(ctx context.Context) error {
	return stage.Run(ctx, p.js, stage.Stage{Name: outStage, Stream: bus.CuratedStream, Handler: p.sendOut}, p.log)
}

// sendOut publishes an item as shown (after editors' overrides; a hidden
// one not at all) once per theme × district pair.
func (p *Publisher) sendOut(ctx context.Context, it item.Item) ([]item.Item, error) {
	shown, visible := p.view.Override(it.ID).Apply(untrusted(it))
	if !visible {
		return nil, nil
	}
	shown.Content = sanitize.HTML(shown.Content)
	return nil, stage.PublishOnSubjects(ctx, p.js, bus.OutSubjects(shown.ThemeIDs(), shown.Districts), shown)
}
