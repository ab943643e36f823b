package sdk

import (
	"os"
	"os/signal"
	"syscall"
	"time"
)

// hostPollInterval is how often a plugin checks that its host is alive.
const hostPollInterval = 500 * time.Millisecond

// watchHost ends the plugin process when it is asked to (SIGTERM) or when
// its host is gone (the plugin was reparented: its parent process id
// changed). go-plugin ignores SIGINT in a plugin and nothing else ended it:
// a host killed with SIGKILL left its plugins running for ever. The exit
// status is 128+15 for SIGTERM, 1 for a lost host.
func watchHost() {
	ppid := os.Getppid()
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	go func() {
		<-term
		os.Exit(128 + int(syscall.SIGTERM))
	}()
	go func() {
		t := time.NewTicker(hostPollInterval)
		defer t.Stop()
		for range t.C {
			if os.Getppid() != ppid {
				os.Exit(1)
			}
		}
	}()
}
