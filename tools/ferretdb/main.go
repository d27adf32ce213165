// Command ferretdb runs FerretDB v1.24.2 (pinned in go.mod) through its embeddable package, so the binary
// built from this module starts on Go toolchains that record the dependency as the main module.
// It accepts the subset of upstream ferretdb flags Tracker uses; the rest are accepted and ignored.
package main

import (
	"context"
	"flag"
	"fmt"
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
	go func() {
		<-ctx.Done()
		slog.Info("ferretdb: stopping")
	}()
	fmt.Fprintf(os.Stderr, "Listening on TCP %s\n", *listenAddr)
	if err := f.Run(ctx); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}
}
