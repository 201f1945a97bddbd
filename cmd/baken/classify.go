package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/bakenhub/baken/pkg/config"
	"github.com/bakenhub/baken/pkg/item"
	"github.com/bakenhub/baken/services/classify"
)

// classifyCmd reads items as JSON Lines and writes one classification per
// line: {"id","themes","places","districts"}.
func classifyCmd(args []string, in io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("classify", flag.ExitOnError)
	cfgPath := fs.String("config", "", "configuration `file` (for taxonomy, gazetteer and district overrides)")
	_ = fs.Parse(args)
	cfg := config.Default()
	if *cfgPath != "" {
		var err error
		if cfg, err = config.Load(*cfgPath); err != nil {
			return err
		}
	}
	cl, err := classify.New(cfg.Classify)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 0, 64<<10), 16<<20)
	enc := json.NewEncoder(out)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var it item.Item
		if err := json.Unmarshal(sc.Bytes(), &it); err != nil {
			return fmt.Errorf("classify: stdin line %d: %w", line, err)
		}
		r := cl.Classify(it)
		if err := enc.Encode(struct {
			ID string `json:"id"`
			classify.Result
		}{it.ID, r}); err != nil {
			return err
		}
	}
	return sc.Err()
}
