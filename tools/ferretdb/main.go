// Command ferretdb runs FerretDB v1.24.2 (pinned in go.mod) through its embeddable package, so the binary
// built from this module starts on Go toolchains that record the dependency as the main module.
// It accepts the subset of upstream ferretdb flags Tracker uses; the rest are accepted and ignored.
//
// Lifeline: with TRACKER_STORE_LIFELINE=stdin in its environment the launcher treats end-of-file on its stdin as
// "the service that started me is gone" and shuts down exactly as on SIGTERM (the listener closes, connections get
// FerretDB's usual grace to finish in-flight commands, the backend closes). The service holds the other end of
// that pipe and never writes to it; the kernel closes it when the service ends in any way (SIGKILL, a crash, an
// exit that skipped the shutdown hook), so the store cannot outlive it. It is an environment variable, not a
// flag, so that the service can still be pointed at an upstream ferretdb binary (FERRETDB_BIN), and so that
// running the launcher by hand with stdin on /dev/null does not stop it at once.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	handler := flag.String("handler", "sqlite", "backend: sqlite or postgresql")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite directory URL (must end with /)")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL URL")
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP listen address")
	listenUnix := flag.String("listen-unix", "", "Unix socket path")
	logLevel := flag.String("log-level", "error", "debug, info, warn or error")
	logFormat := flag.String("log-format", "json", "json or text")
	flag.String("state-dir", "-", "ignored (upstream compatibility)")
	flag.String("debug-addr", "-", "ignored (upstream compatibility)")
	flag.String("telemetry", "disable", "ignored: telemetry is always off")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(strings.ToUpper(*logLevel))); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad --log-level %q\n", *logLevel)
		os.Exit(2)
	}
	opts := &slog.HandlerOptions{Level: level}
	var logHandler slog.Handler = slog.NewJSONHandler(os.Stderr, opts)
	if *logFormat == "text" {
		logHandler = slog.NewTextHandler(os.Stderr, opts)
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listenAddr, Unix: *listenUnix},
		Logger:        slog.New(logHandler),
		Handler:       *handler,
		SQLiteURL:     *sqliteURL,
		PostgreSQLURL: *postgresURL,
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if os.Getenv("TRACKER_STORE_LIFELINE") == "stdin" {
		ctx = untilEOF(ctx, os.Stdin)
	}
	go func() {
		<-ctx.Done()
		slog.Info("ferretdb: stopping", "cause", context.Cause(ctx).Error())
	}()
	fmt.Fprintf(os.Stderr, "Listening on TCP %s\n", *listenAddr)
	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}

var errParentGone = errors.New("stdin closed: the service that started this store is gone")

// untilEOF returns a context that is canceled like ctx, and also once r reaches end-of-file (or fails): the
// parent's end of the pipe on stdin was closed. Whatever is written to r is discarded.
func untilEOF(ctx context.Context, r io.Reader) context.Context {
	ctx, cancel := context.WithCancelCause(ctx)
	go func() {
		_, _ = io.Copy(io.Discard, r)
		cancel(errParentGone)
	}()
	return ctx
}
