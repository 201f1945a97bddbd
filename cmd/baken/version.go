package main

import (
	"fmt"
	"runtime/debug"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the VCS revision Go records in the binary stands in.
var version = ""

// versionString says which build this is: the version or the commit it
// was built from (marked +dirty with uncommitted changes), and the Go
// version.
func versionString() string {
	v, goVersion := version, "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		if v == "" {
			v = vcsRevision(bi)
		}
	}
	if v == "" {
		v = "dev"
	}
	return fmt.Sprintf("baken %s (%s)", v, goVersion)
}

func vcsRevision(bi *debug.BuildInfo) string {
	var rev, modified, when string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		case "vcs.time":
			when = s.Value
		}
	}
	if rev == "" {
		return ""
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		rev += "+dirty"
	}
	if when != "" {
		rev += " " + when
	}
	return rev
}
