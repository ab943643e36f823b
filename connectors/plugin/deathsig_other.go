//go:build !linux

package plugin

import "os/exec"

// dieWithHost does nothing where there is no parent-death signal: plugins
// served by connectors/sdk watch their parent themselves.
func dieWithHost(*exec.Cmd) {}
