package ingest

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/bakenhub/baken/pkg/netguard"
)

// Metrics are ingest's counters and timings, registered on the
// Registerer given to NewMetrics.
type Metrics struct {
	fetches        *prometheus.CounterVec
	fetchSeconds   *prometheus.HistogramVec
	lastSuccess    *prometheus.GaugeVec
	busUnavailable prometheus.Counter
	leasesHeld     prometheus.Gauge
	hostPass       *prometheus.GaugeVec
	hostBehind     *prometheus.GaugeVec
}

// NewMetrics registers ingest's metrics on reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		fetches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "baken_ingest_fetches_total",
			Help: "Source polls by source and result: ok, not_modified, or the kind of error (http_4xx, http_5xx, timeout, refused, too_large, other).",
		}, []string{"source", "result"}),
		fetchSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "baken_ingest_poll_seconds",
			Help:    "Time one poll of a source takes, fetching and publishing, by source.",
			Buckets: prometheus.ExponentialBuckets(0.01, 3, 9),
		}, []string{"source"}),
		lastSuccess: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "baken_ingest_last_success_timestamp_seconds",
			Help: "When each source was last polled successfully (time() minus this: time since).",
		}, []string{"source"}),
		busUnavailable: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "baken_ingest_bus_unavailable_total",
			Help: "Polls that could not write to NATS in time; not counted against the source.",
		}),
		leasesHeld: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "baken_ingest_lease_shards_held",
			Help: "Shards of the sources this ingest replica holds (of 32).",
		}),
	}
	m.hostPass = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "baken_ingest_host_pass_seconds",
		Help: "Least time one pass over a host's sources takes at its politeness delay.",
	}, []string{"host"})
	m.hostBehind = prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "baken_ingest_host_behind",
		Help: "1 when a host's sources cannot all be polled within their schedule at its politeness delay.",
	}, []string{"host"})
	reg.MustRegister(m.fetches, m.fetchSeconds, m.lastSuccess, m.busUnavailable, m.leasesHeld, m.hostPass, m.hostBehind)
	return m
}

// poll records one poll of source.
func (m *Metrics) poll(source string, took time.Duration, notModified bool, err error, at time.Time) {
	m.fetchSeconds.WithLabelValues(source).Observe(took.Seconds())
	result := "ok"
	switch {
	case err != nil:
		result = errorKind(err)
	case notModified:
		result = "not_modified"
	}
	m.fetches.WithLabelValues(source, result).Inc()
	if err == nil {
		m.lastSuccess.WithLabelValues(source).Set(float64(at.Unix()))
	}
}

// errorKind sorts a poll error for the metrics.
func errorKind(err error) string {
	var he *HTTPError
	var ne net.Error
	switch {
	case errors.As(err, &he) && he.Status >= 500:
		return "http_5xx"
	case errors.As(err, &he):
		return "http_4xx"
	case errors.Is(err, netguard.ErrRefused):
		return "refused"
	case errors.Is(err, ErrTooLarge):
		return "too_large"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "other"
}
