package main

import (
	"encoding/json"
	"flag"
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
	enc := json.NewEncoder(out)
	return eachItem("classify", in, func(it item.Item) error {
		return enc.Encode(struct {
			ID string `json:"id"`
			classify.Result
		}{it.ID, cl.Classify(it)})
	})
}
