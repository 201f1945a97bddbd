package stage

import (
	"context"
	"errors"
	"time"

	"github.com/nats-io/nats.go/jetstream"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/bakenhub/baken/pkg/item"
)

// Metrics are the stages' counters, timings and consumer lag, registered
// on the Registerer given to NewMetrics (no package globals: every hub in
// a process, and every test, has its own).
type Metrics struct {
	processed  *prometheus.CounterVec
	duration   *prometheus.HistogramVec
	pending    *prometheus.GaugeVec
	ackPending *prometheus.GaugeVec
}

// NewMetrics registers the stage metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		processed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baken_stage_messages_total",
			Help: "Messages handled by each pipeline stage, by result (ok, retry, dead).",
		}, []string{"stage", "result"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "baken_stage_handler_seconds",
			Help:    "Time to handle one message, outputs stored, by stage.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 4, 9),
		}, []string{"stage"}),
		pending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "baken_stage_consumer_pending",
			Help: "Messages on a stage's input stream not yet delivered to it (consumer lag).",
		}, []string{"stage"}),
		ackPending: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "baken_stage_consumer_ack_pending",
			Help: "Messages delivered to a stage's replicas and not yet acknowledged.",
		}, []string{"stage"}),
	}
	reg.MustRegister(m.processed, m.duration, m.pending, m.ackPending)
	return m
}

// Middleware counts each call's result and times it.
func (m *Metrics) Middleware(stage string) Middleware {
	return func(next Handler) Handler {
		return func(ctx context.Context, it item.Item) ([]item.Item, error) {
			start := time.Now()
			outs, err := next(ctx, it)
			m.duration.WithLabelValues(stage).Observe(time.Since(start).Seconds())
			result := "ok"
			switch {
			case errors.Is(err, ErrDeadLettered):
				result = "dead"
			case err != nil:
				result = "retry"
			}
			m.processed.WithLabelValues(stage, result).Inc()
			return outs, err
		}
	}
}

// follow reads the consumer's lag every interval until ctx is done.
func (m *Metrics) follow(ctx context.Context, stage string, cons jetstream.Consumer, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		info, err := cons.Info(ctx)
		if err != nil {
			continue
		}
		m.pending.WithLabelValues(stage).Set(float64(info.NumPending))
		m.ackPending.WithLabelValues(stage).Set(float64(info.NumAckPending))
	}
}
