// Command baken is the Baken hub: `baken run` starts the services, `baken
// classify` classifies items offline.
package main

import (
	"fmt"
	"os"
)

const usage = `baken: a content syndication hub for the Dutch public-safety field

Usage:
  baken run [flags] [service ...]   run the hub (services: ingest classify dedup publish)
  baken classify [--config FILE]    classify JSON Lines items from stdin
  baken dedup                       mark copies among JSON Lines items from stdin: {"id","duplicate_of","similarity"}
  baken replay --since 720h         run stored raw items through the current classifier again
  baken backtest --taxonomy F       show which stored items a new taxonomy would change
  baken scrape --config F SOURCE    print the items an html source yields, as JSON Lines
  baken setup --nats URL            create the streams and buckets once, waiting for the cluster
  baken healthcheck [--url U]       exit 0 when a running process answers /readyz with 200
  baken version

Run 'baken run -h' for the flags of run.
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	var err error
	switch cmd, args := os.Args[1], os.Args[2:]; cmd {
	case "run":
		err = runCmd(args)
	case "classify":
		err = classifyCmd(args, os.Stdin, os.Stdout)
	case "dedup":
		err = dedupCmd(args, os.Stdin, os.Stdout)
	case "replay":
		err = replayCmd(args, os.Stdout)
	case "backtest":
		err = backtestCmd(args, os.Stdout)
	case "scrape":
		err = scrapeCmd(args, os.Stdout, os.Stderr)
	case "setup":
		err = setupCmd(args, os.Stdout)
	case "healthcheck":
		err = healthcheckCmd(args, os.Stdout)
	case "version", "--version", "-version":
		fmt.Println(versionString())
	case "help", "-h", "--help":
		fmt.Print(usage)
	default:
		fmt.Fprintf(os.Stderr, "baken: unknown command %q\n\n%s", cmd, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "baken:", err)
		os.Exit(1)
	}
}
