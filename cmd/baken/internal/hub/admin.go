package hub

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"

	"github.com/bakenhub/baken/pkg/httpserver"
)

// adminHandler serves Go's profiles (net/http/pprof) under /debug/pprof/.
func adminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /debug/pprof/", pprof.Index)
	mux.HandleFunc("GET /debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("GET /debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("GET /debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("GET /debug/pprof/trace", pprof.Trace)
	return mux
}

// startAdmin opens the admin address, which must be on loopback: profiles
// show the process's memory and are costly to take, so they are nobody
// else's business. It returns the server to shut down.
func startAdmin(addr string, log *slog.Logger) (*http.Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("admin %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("admin %q: profiles are served on loopback only (127.0.0.1:6060)", addr)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	l := httpserver.DefaultLimits()
	l.Write = 0 // a CPU profile or trace takes as long as asked
	srv := httpserver.New(adminHandler(), l)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin server", "err", err)
		}
	}()
	log.Info("profiles served", "admin", "http://"+ln.Addr().String()+"/debug/pprof/")
	return srv, nil
}
