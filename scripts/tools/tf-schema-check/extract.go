package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

var (
	resourceTypeRe = regexp.MustCompile(`\n\w+\.tfResourceType = "([^"]+)";`)
	// A generated struct converter, `function fooToHclTerraform(struct) {`, or the class's own method.
	functionRe = regexp.MustCompile(`(?m)^function (\w+)ToHclTerraform\(struct\) \{$`)
	methodRe   = regexp.MustCompile(`(?m)^    synthesizeHclAttributes\(\) \{$`)
	// One entry of an attrs map: `name: {` then `value: ...,` then `isBlock: true|false,`.
	entryRe = regexp.MustCompile(`(?m)^\s+"?([A-Za-z_][\w-]*)"?: \{\n\s+value: (.*),\n\s+isBlock: (true|false),`)
	// The converter a block's value goes through: a function of this directory, maybe through a
	// require()d module (`(0, index_structs_1.fooToHclTerraform)`); the cdktf.* ones are scalars.
	converterRe = regexp.MustCompile(`(?:^|[^.\w]|\b\w+_\d+\.)(\w+)ToHclTerraform\b`)
	mapEndRe    = regexp.MustCompile(`\n\s*\};\n`)
)

func runExtract(args []string) error {
	fs := flag.NewFlagSet("extract", flag.ContinueOnError)
	pkg := fs.String("package", "", "an unpacked @cdktf/provider-google")
	out := fs.String("out", "", "where to write the schema JSON")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *pkg == "" || *out == "" {
		return fmt.Errorf("extract needs -package and -out")
	}
	meta, err := os.ReadFile(filepath.Join(*pkg, "package.json"))
	if err != nil {
		return err
	}
	var pj struct {
		Name    string `json:"name"`
		Version string `json:"version"`
		Cdktf   struct {
			Provider struct {
				Version string `json:"version"`
			} `json:"provider"`
		} `json:"cdktf"`
	}
	if err := json.Unmarshal(meta, &pj); err != nil {
		return err
	}
	s := &Schema{
		Source:    fmt.Sprintf("%s@%s (google provider %s)", pj.Name, pj.Version, pj.Cdktf.Provider.Version),
		Version:   pj.Cdktf.Provider.Version,
		Resources: map[string]string{},
		Data:      map[string]string{},
		Types:     map[string]*Node{},
	}
	dirs, err := os.ReadDir(filepath.Join(*pkg, "lib"))
	if err != nil {
		return err
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue // lib/index.js, the package's lazy index
		}
		file := filepath.Join(*pkg, "lib", d.Name(), "index.js")
		src, err := os.ReadFile(file)
		if err != nil {
			return err
		}
		text := string(src)
		m := resourceTypeRe.FindStringSubmatch(text)
		if m == nil {
			return fmt.Errorf("%s: no tfResourceType", file)
		}
		// Large resources keep their struct converters in index-structs/*.js beside index.js.
		helpers, _ := filepath.Glob(filepath.Join(*pkg, "lib", d.Name(), "index-structs", "*.js"))
		for _, h := range helpers {
			more, err := os.ReadFile(h)
			if err != nil {
				return err
			}
			text += "\n" + string(more)
		}
		root, err := extractFile(s, d.Name(), text)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		switch {
		case d.Name() == "provider":
			s.Provider = root
		case strings.HasPrefix(d.Name(), "data-"):
			s.Data[m[1]] = root
		default:
			s.Resources[m[1]] = root
		}
	}
	if s.Provider == "" || len(s.Resources) < 100 || len(s.Data) < 50 {
		return fmt.Errorf("%s: found %d resources and %d data sources (provider block found: %v): is this @cdktf/provider-google?", *pkg, len(s.Resources), len(s.Data), s.Provider != "")
	}
	raw, err := json.Marshal(s)
	if err != nil {
		return err
	}
	fmt.Printf("extracted %d resources, %d data sources, %d block types from %s\n", len(s.Resources), len(s.Data), len(s.Types), s.Source)
	return os.WriteFile(*out, raw, 0o644)
}

// extractFile reads every attrs map of one generated file into s.Types (keys "<dir>:<function>") and
// returns the key of the resource's own body.
func extractFile(s *Schema, dir, text string) (string, error) {
	bodies := map[string]string{}
	for _, loc := range functionRe.FindAllStringSubmatchIndex(text, -1) {
		bodies[text[loc[2]:loc[3]]] = attrsMap(text[loc[1]:])
	}
	loc := methodRe.FindStringIndex(text)
	if loc == nil {
		return "", fmt.Errorf("no synthesizeHclAttributes method")
	}
	const rootName = "synthesizeHclAttributes"
	bodies[rootName] = attrsMap(text[loc[1]:])
	for name, body := range bodies {
		node := &Node{Attributes: []string{}, Blocks: map[string]string{}}
		for _, e := range entryRe.FindAllStringSubmatch(body, -1) {
			if e[3] == "false" {
				node.Attributes = append(node.Attributes, e[1])
				continue
			}
			c := converterRe.FindStringSubmatch(e[2])
			if c == nil {
				return "", fmt.Errorf("%s: block %q has no converter in %q", name, e[1], e[2])
			}
			node.Blocks[e[1]] = dir + ":" + c[1]
		}
		sort.Strings(node.Attributes)
		s.Types[dir+":"+name] = node
	}
	for name := range bodies {
		for block, ref := range s.Types[dir+":"+name].Blocks {
			if s.Types[ref] == nil {
				return "", fmt.Errorf("block %q refers to %s, which the file does not define", block, ref)
			}
		}
	}
	return dir + ":" + rootName, nil
}

// attrsMap is the text of the first `const attrs = { ... };` after a function's opening line.
func attrsMap(rest string) string {
	start := strings.Index(rest, "const attrs = {")
	if start < 0 {
		return ""
	}
	rest = rest[start:]
	// Entries close with `},`; the map itself with the first `};`.
	if end := mapEndRe.FindStringIndex(rest); end != nil {
		return rest[:end[0]]
	}
	return rest
}
