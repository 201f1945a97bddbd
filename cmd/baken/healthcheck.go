package main

import (
	"flag"
	"fmt"
	"io"
	"net/http"
	"time"
)

// healthcheckCmd asks a running process whether it is ready and exits
// non-zero when not: the healthcheck of a container image that has no
// shell or curl.
func healthcheckCmd(args []string, out io.Writer) error {
	fs := flag.NewFlagSet("healthcheck", flag.ExitOnError)
	url := fs.String("url", "http://127.0.0.1:8080/readyz", "the `url` to ask (/readyz, or /healthz for liveness)")
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for the answer")
	_ = fs.Parse(args)
	c := &http.Client{Timeout: *timeout}
	resp, err := c.Get(*url)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	fmt.Fprintf(out, "%s", body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck %s: %s", *url, resp.Status)
	}
	return nil
}
