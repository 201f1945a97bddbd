package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/bakenhub/baken/pkg/item"
)

// eachItem decodes items as JSON Lines from in, in order, and calls f on
// each; blank lines are skipped. An error names the command and the line.
func eachItem(cmd string, in io.Reader, f func(item.Item) error) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var it item.Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return fmt.Errorf("%s: stdin line %d: %w", cmd, line, err)
		}
		if err := f(it); err != nil {
			return fmt.Errorf("%s: stdin line %d: %w", cmd, line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: stdin: %w", cmd, err)
	}
	return nil
}
