package stage

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/bakenhub/baken/pkg/item"
)

var anItem = item.Item{ID: "4fb22704663e137e58efc8f697861bae", Source: "politie", Title: "Drugslab opgerold"}

func ok(_ context.Context, it item.Item) ([]item.Item, error) { return []item.Item{it}, nil }

func TestChainOrder(t *testing.T) {
	var order []string
	mark := func(name string) Middleware {
		return func(next Handler) Handler {
			return func(ctx context.Context, it item.Item) ([]item.Item, error) {
				order = append(order, name+">")
				outs, err := next(ctx, it)
				order = append(order, "<"+name)
				return outs, err
			}
		}
	}
	_, _ = Chain(ok, mark("a"), mark("b"))(context.Background(), anItem)
	if got := strings.Join(order, " "); got != "a> b> <b <a" {
		t.Errorf("order %q, want the first outermost", got)
	}
}

func TestRecover(t *testing.T) {
	h := Recover()(func(context.Context, item.Item) ([]item.Item, error) { panic("kapot") })
	outs, err := h(context.Background(), anItem)
	if outs != nil || !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "panic: kapot") {
		t.Errorf("outs %v, err %v: want a permanent error", outs, err)
	}
	if outs, err := Recover()(ok)(context.Background(), anItem); err != nil || len(outs) != 1 {
		t.Errorf("without a panic: %v %v", outs, err)
	}
}

func TestTimeout(t *testing.T) {
	h := Timeout(20 * time.Millisecond)(func(ctx context.Context, _ item.Item) ([]item.Item, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	if _, err := h(context.Background(), anItem); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err %v, want the deadline", err)
	}
}

func TestRetry(t *testing.T) {
	conflict := errors.Join(errors.New("kv: wrong last sequence"), ErrContention)
	tests := []struct {
		name      string
		fails     int // calls that fail before one succeeds
		err       error
		wantCalls int
		wantErr   bool
	}{
		{"contention retried until it succeeds", 2, conflict, 3, false},
		{"contention retried at most three times", 5, conflict, 3, true},
		{"other errors not retried here", 5, errors.New("bad item"), 1, true},
		{"success at once", 0, nil, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			h := Retry(3, func(int) time.Duration { return time.Millisecond }, IsContention)(func(ctx context.Context, it item.Item) ([]item.Item, error) {
				calls++
				if calls <= tt.fails {
					return nil, tt.err
				}
				return []item.Item{it}, nil
			})
			_, err := h(context.Background(), anItem)
			if calls != tt.wantCalls || (err != nil) != tt.wantErr {
				t.Errorf("%d calls, err %v; want %d calls, error %v", calls, err, tt.wantCalls, tt.wantErr)
			}
		})
	}
}

func TestThen(t *testing.T) {
	var got [][]item.Item
	then := Then(func(_ context.Context, outs []item.Item) error { got = append(got, outs); return nil })
	_, _ = then(ok)(context.Background(), anItem)
	_, _ = then(func(context.Context, item.Item) ([]item.Item, error) { return nil, nil })(context.Background(), anItem)
	_, _ = then(func(context.Context, item.Item) ([]item.Item, error) { return nil, errors.New("x") })(context.Background(), anItem)
	if len(got) != 1 || got[0][0].ID != anItem.ID {
		t.Errorf("hook calls %v, want one, for the call with outputs", got)
	}
	fail := Then(func(context.Context, []item.Item) error { return errors.New("kv down") })
	if _, err := fail(ok)(context.Background(), anItem); err == nil {
		t.Error("the hook's error was lost")
	}
}

func TestLoggingLevels(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
	for _, err := range []error{errors.Join(errors.New("cas"), ErrContention), errors.New("kv timeout"), errors.Join(ErrDeadLettered, errors.New("bad"))} {
		_, _ = Logging(log)(func(context.Context, item.Item) ([]item.Item, error) { return nil, err })(context.Background(), anItem)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{"level=DEBUG", "level=WARN", "level=ERROR"}
	if len(lines) != 3 {
		t.Fatalf("log: %s", buf.String())
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d %q, want %s", i, lines[i], w)
		}
	}
}

func TestMetricsMiddleware(t *testing.T) {
	reg := prometheus.NewRegistry()
	m := NewMetrics(reg)
	h := m.Middleware("classify")
	_, _ = h(ok)(context.Background(), anItem)
	_, _ = h(func(context.Context, item.Item) ([]item.Item, error) { return nil, errors.New("x") })(context.Background(), anItem)
	_, _ = h(func(context.Context, item.Item) ([]item.Item, error) { return nil, ErrDeadLettered })(context.Background(), anItem)
	for result, want := range map[string]float64{"ok": 1, "retry": 1, "dead": 1} {
		if got := testutil.ToFloat64(m.processed.WithLabelValues("classify", result)); got != want {
			t.Errorf("%s = %v, want %v", result, got, want)
		}
	}
	if n := testutil.CollectAndCount(m.duration); n != 1 {
		t.Errorf("%d duration series, want 1", n)
	}
	// A second registry takes the same metrics: no package globals.
	NewMetrics(prometheus.NewRegistry())
}
