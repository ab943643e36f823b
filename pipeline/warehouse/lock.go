package warehouse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"
)

// ErrBusy means another pipeline process holds the warehouse lock.
var ErrBusy = errors.New("warehouse busy")

// Lock is an advisory lock on a warehouse (flock on <warehouse>.lock).
type Lock struct{ f *os.File }

// TryLock takes the lock or fails at once with ErrBusy, naming the holder.
func TryLock(warehouse, what string) (*Lock, error) {
	return lock(context.Background(), warehouse, what, false, nil)
}

// WaitLock waits for the lock until ctx ends, printing to notify (if not
// nil) once that it is waiting and for whom.
func WaitLock(ctx context.Context, warehouse, what string, notify io.Writer) (*Lock, error) {
	return lock(ctx, warehouse, what, true, notify)
}

func lock(ctx context.Context, warehouse, what string, wait bool, notify io.Writer) (*Lock, error) {
	path := warehouse + ".lock"
	if err := os.MkdirAll(dirOf(path), 0o700); err != nil {
		return nil, err
	}
	// O_NOFOLLOW: a symbolic link put in the lock file's place must not
	// make the lock truncate (and write into) the file it points at.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|syscall.O_NOFOLLOW, 0o600)
	if errors.Is(err, syscall.ELOOP) {
		return nil, fmt.Errorf("lock %s: it is a symbolic link, not pipeline's lock file: remove it (pipeline creates the lock file itself)", path)
	}
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if st, err := f.Stat(); err != nil || !st.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("lock %s: not a regular file: remove it (pipeline creates the lock file itself)", path)
	}
	told := false
	for {
		err = syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			break
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) {
			f.Close()
			return nil, fmt.Errorf("lock %s: %w", path, err)
		}
		holder := readHolder(path)
		if !wait {
			f.Close()
			return nil, fmt.Errorf("%w: %s holds %s; try again when it has finished", ErrBusy, holder, path)
		}
		if !told && notify != nil {
			fmt.Fprintf(notify, "waiting for %s to release %s ...\n", holder, path)
			told = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(fmt.Sprintf("%s (pid %d, since %s)\n", what, os.Getpid(), time.Now().UTC().Format(time.RFC3339))), 0)
	return &Lock{f: f}, nil
}

func readHolder(path string) string {
	b, err := os.ReadFile(path)
	if err != nil || len(strings.TrimSpace(string(b))) == 0 {
		return "another pipeline process"
	}
	return strings.TrimSpace(string(b))
}

func dirOf(p string) string {
	if i := strings.LastIndexByte(p, '/'); i > 0 {
		return p[:i]
	}
	return "."
}

// Unlock releases the lock.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	_ = l.f.Truncate(0)
	err := syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	return errors.Join(err, l.f.Close())
}
