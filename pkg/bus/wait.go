package bus

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// SetupTimeout is how long SetupWait keeps trying by default: long enough
// for a fresh cluster to elect its leaders, short enough that a process
// pointed at the wrong place exits and says so.
const SetupTimeout = 2 * time.Minute

// SetupWait runs Setup until it succeeds, backing off from 250ms to 5s
// between attempts, for at most timeout. Services started together on a
// fresh cluster all get there: until the cluster has a JetStream leader,
// creating a stream times out, and that is worth waiting for, not dying of.
func SetupWait(ctx context.Context, js jetstream.JetStream, o Options, timeout time.Duration, log *slog.Logger) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	wait := 250 * time.Millisecond
	for attempt := 1; ; attempt++ {
		// One attempt may not take the whole budget: a request the cluster
		// never answers (no meta leader yet) is asked again.
		try, cancelTry := context.WithTimeout(ctx, 5*time.Second)
		err := Setup(try, js, o)
		cancelTry()
		if err == nil {
			if attempt > 1 {
				log.Info("streams and buckets ready", "attempts", attempt)
			}
			return nil
		}
		log.Info("NATS not ready for the streams yet, retrying", "attempt", attempt, "in", wait, "err", err)
		select {
		case <-ctx.Done():
			return fmt.Errorf("bus: streams and buckets not set up after %d attempts in %v: %w", attempt, timeout, err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}
