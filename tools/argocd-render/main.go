// Command argocd-render renders the webhook body of an Argo CD Notifications template, as Argo CD does, against
// Application objects: Tracker's tests use it to prove that deploy/argocd/notifications.yaml renders bodies the
// Argo CD intake accepts (docs/intake.md).
//
//	argocd-render -config deploy/argocd/notifications.yaml -template tracker-deployment -webhook tracker app1.json ...
//
// Each argument is an Application as JSON (kubectl get application -o json); for each, one line of JSON is
// printed: {"file": ..., "body": <the rendered text>} or {"file": ..., "error": ...}. The template gets the
// variables Argo CD gives it that the shipped template reads: `app` (the Application, as unstructured JSON) and
// `context` (empty here). It is executed with the standard library's text/template and no extra functions: the
// shipped template uses none, so Argo CD (which adds Sprig and its own) renders it the same.
//
// Only the standard library: the ConfigMap is read by a small reader of the block scalars the snippet uses
// (`key: |` followed by lines indented deeper), not by a YAML library.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/template"
)

func main() {
	config := flag.String("config", "deploy/argocd/notifications.yaml", "the argocd-notifications-cm snippet")
	name := flag.String("template", "tracker-deployment", "the template (data key template.<name>)")
	webhook := flag.String("webhook", "tracker", "the webhook service the template has a body for")
	flag.Parse()
	text, err := os.ReadFile(*config)
	if err != nil {
		fail(err)
	}
	body, err := webhookBody(string(text), *name, *webhook)
	if err != nil {
		fail(err)
	}
	tmpl, err := template.New(*name).Parse(body)
	if err != nil {
		fail(fmt.Errorf("template %s: %w", *name, err))
	}
	out := json.NewEncoder(os.Stdout)
	for _, file := range flag.Args() {
		rendered, err := render(tmpl, file)
		if err != nil {
			_ = out.Encode(map[string]string{"file": file, "error": err.Error()})
			continue
		}
		_ = out.Encode(map[string]string{"file": file, "body": rendered})
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "argocd-render:", err)
	os.Exit(1)
}

func render(tmpl *template.Template, file string) (string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	var app map[string]interface{}
	if err := json.Unmarshal(raw, &app); err != nil {
		return "", fmt.Errorf("%s: %w", file, err)
	}
	var buf bytes.Buffer
	vars := map[string]interface{}{"app": app, "context": map[string]interface{}{}}
	if err := tmpl.Execute(&buf, vars); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// webhookBody finds data["template.<name>"] in the ConfigMap text, then webhook.<service>.body inside it.
func webhookBody(configMap, name, service string) (string, error) {
	data, ok := blockUnder(configMap, []string{"data", "template." + name})
	if !ok {
		return "", fmt.Errorf("no data key template.%s", name)
	}
	body, ok := blockUnder(data, []string{"webhook", service, "body"})
	if !ok {
		return "", errors.New("no webhook." + service + ".body in template." + name)
	}
	return body, nil
}

// blockUnder follows a path of mapping keys through indentation; the last key must hold a literal block scalar
// (`key: |`), whose lines are returned without their common indentation. Keys in between are plain mappings.
func blockUnder(text string, path []string) (string, bool) {
	lines := strings.Split(text, "\n")
	indent := -1
	for depth, key := range path {
		last := depth == len(path)-1
		found := false
		for i, line := range lines {
			trimmed := strings.TrimLeft(line, " ")
			lead := len(line) - len(trimmed)
			if lead <= indent || !strings.HasPrefix(trimmed, key+":") {
				continue
			}
			rest := strings.TrimSpace(strings.TrimPrefix(trimmed, key+":"))
			if last && !strings.HasPrefix(rest, "|") {
				return "", false
			}
			child := childLines(lines[i+1:], lead)
			if last {
				return dedent(child), true
			}
			lines, indent, found = child, -1, true
			break
		}
		if !found {
			return "", false
		}
	}
	return "", false
}

// childLines: the lines after a key, up to the first non-blank line indented no deeper than the key.
func childLines(lines []string, keyIndent int) []string {
	var out []string
	for _, line := range lines {
		trimmed := strings.TrimLeft(line, " ")
		if trimmed != "" && len(line)-len(trimmed) <= keyIndent {
			break
		}
		out = append(out, line)
	}
	return out
}

func dedent(lines []string) string {
	common := -1
	for _, line := range lines {
		trimmed := strings.TrimLeft(line, " ")
		if trimmed == "" {
			continue
		}
		if lead := len(line) - len(trimmed); common < 0 || lead < common {
			common = lead
		}
	}
	var b strings.Builder
	for _, line := range lines {
		if len(line) >= common && common > 0 {
			line = line[common:]
		} else {
			line = strings.TrimLeft(line, " ")
		}
		b.WriteString(line)
		b.WriteByte('\n')
	}
	return strings.TrimRight(b.String(), "\n") + "\n"
}
