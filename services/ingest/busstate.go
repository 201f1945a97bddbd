package ingest

import (
	"time"

	"github.com/nats-io/nats.go"
)

// BusState is this process's connection to NATS, shown apart from each
// source's health: while the bus is down no source is to blame.
type BusState struct {
	Connected bool   `json:"connected"`
	Status    string `json:"status"`           // CONNECTED, RECONNECTING, ...
	Server    string `json:"server,omitempty"` // the server connected to
	LastError string `json:"last_error,omitempty"`
	// Reconnects counts how often the connection was re-established.
	Reconnects uint64    `json:"reconnects"`
	At         time.Time `json:"at"`
}

// BusStateOf reads nc's state; nil reads as not connected.
func BusStateOf(nc *nats.Conn) BusState {
	b := BusState{At: time.Now().UTC().Truncate(time.Second), Status: "NONE"}
	if nc == nil {
		return b
	}
	st := nc.Status()
	b.Connected, b.Status, b.Server = st == nats.CONNECTED, st.String(), nc.ConnectedUrlRedacted()
	if err := nc.LastError(); err != nil {
		b.LastError = err.Error()
	}
	b.Reconnects = nc.Stats().Reconnects
	return b
}
