package natstest

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
)

// Cluster is a three-node (or n-node) JetStream cluster of real servers
// in this process, on loopback ports, each storing in its own temp folder.
// Nodes can be killed and restarted on the same folder and ports.
type Cluster struct {
	t     testing.TB
	opts  []*server.Options
	nodes []*server.Server
}

// RunCluster starts n clustered JetStream servers and waits until they
// have formed a cluster; they shut down when the test ends.
func RunCluster(t testing.TB, n int) *Cluster {
	t.Helper()
	clientPorts, routePorts := freePorts(t, n), freePorts(t, n)
	var routes []*url.URL
	for _, p := range routePorts {
		routes = append(routes, &url.URL{Scheme: "nats-route", Host: fmt.Sprintf("127.0.0.1:%d", p)})
	}
	c := &Cluster{t: t}
	for i := range n {
		c.opts = append(c.opts, &server.Options{
			ServerName: fmt.Sprintf("n%d", i+1),
			Host:       "127.0.0.1",
			Port:       clientPorts[i],
			JetStream:  true,
			StoreDir:   t.TempDir(),
			NoSigs:     true,
			Cluster:    server.ClusterOpts{Name: "baken-test", Host: "127.0.0.1", Port: routePorts[i]},
			Routes:     routes,
		})
		c.nodes = append(c.nodes, nil)
	}
	for i := range n {
		c.Start(i)
	}
	t.Cleanup(func() {
		for i := range c.nodes {
			c.Kill(i)
		}
	})
	for i := range n {
		if !c.nodes[i].ReadyForConnections(20 * time.Second) {
			t.Fatalf("node %d not ready", i+1)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for c.nodes[0].NumRoutes() < n-1 || !c.nodes[0].JetStreamIsClustered() {
		if time.Now().After(deadline) {
			t.Fatalf("cluster did not form: %d routes", c.nodes[0].NumRoutes())
		}
		time.Sleep(50 * time.Millisecond)
	}
	return c
}

// URL is the client URL list of every node, for nats.Connect.
func (c *Cluster) URL() string {
	var urls []string
	for _, o := range c.opts {
		urls = append(urls, fmt.Sprintf("nats://127.0.0.1:%d", o.Port))
	}
	return strings.Join(urls, ",")
}

// Start starts node i (again), on its folder and ports.
func (c *Cluster) Start(i int) {
	c.t.Helper()
	o := *c.opts[i]
	s, err := server.NewServer(&o)
	if err != nil {
		c.t.Fatal(err)
	}
	s.Start()
	c.nodes[i] = s
}

// Kill stops node i at once.
func (c *Cluster) Kill(i int) {
	if s := c.nodes[i]; s != nil {
		s.Shutdown()
		s.WaitForShutdown()
		c.nodes[i] = nil
	}
}

// Node returns node i, nil while killed.
func (c *Cluster) Node(i int) *server.Server { return c.nodes[i] }

func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var ports []int
	var lns []net.Listener
	for range n {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		lns = append(lns, ln)
		ports = append(ports, ln.Addr().(*net.TCPAddr).Port)
	}
	for _, ln := range lns {
		ln.Close()
	}
	return ports
}
