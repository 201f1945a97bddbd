package bus

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrDataInUse is returned when another process holds a data folder.
var ErrDataInUse = errors.New("data folder in use")

// lockFile is the file in a data folder that one process holds locked.
const lockFile = "baken.lock"

// lockDir takes dir for this process, so a second hub (or a tool with
// --data) cannot run beside a running one on the same store. The lock is
// the kernel's, on an open file: it ends with the process however it ends,
// so a crash leaves nothing to clean up.
func lockDir(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("bus: data folder: %w", err)
	}
	path := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("bus: lock %s: %w", path, err)
	}
	// A hub restarting in this process releases the lock as its server
	// finishes shutting down: wait for that briefly.
	err = tryLock(f)
	for deadline := time.Now().Add(2 * time.Second); err != nil && time.Now().Before(deadline); err = tryLock(f) {
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		who := "another process"
		if pid := strings.TrimSpace(string(holder)); pid != "" {
			who = "process " + pid
		}
		return nil, fmt.Errorf("bus: %w: %s is used by %s (lock %s); stop it, or give this one another --data folder", ErrDataInUse, dir, who, path)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(fmt.Sprintf("%d\n", os.Getpid())), 0)
	return func() { _ = unlockFile(f); f.Close() }, nil
}
