package bus

import (
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/bakenhub/baken/pkg/config"
)

// A second embedded server on a data folder in use is refused with a
// clear error; once the first is shut down the folder is free again.
func TestEmbeddedLocksDataFolder(t *testing.T) {
	dir := t.TempDir()
	log := slog.New(slog.DiscardHandler)
	first, err := Embedded(dir, "", config.NATS{}, log)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Embedded(dir, "", config.NATS{}, log)
	if !errors.Is(err, ErrDataInUse) || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "another --data folder") {
		t.Fatalf("second server: %v, want ErrDataInUse naming the folder", err)
	}
	first.Shutdown()
	first.WaitForShutdown()
	again, err := Embedded(dir, "", config.NATS{}, log)
	if err != nil {
		t.Fatalf("after shutdown: %v", err)
	}
	again.Shutdown()
	again.WaitForShutdown()
}
