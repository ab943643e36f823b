package plugin

import (
	"os/exec"
	"syscall"
)

// dieWithHost has the kernel kill the plugin when the host's thread that
// started it ends (Linux's parent-death signal): a host killed with
// SIGKILL leaves no plugin behind. Plugins served by connectors/sdk also
// watch their parent themselves, for the rare case of a thread that ends
// before the process.
func dieWithHost(cmd *exec.Cmd) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
}
