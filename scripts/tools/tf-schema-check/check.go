package main

import (
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	version "github.com/hashicorp/go-version"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
)

// Terraform's own arguments and blocks, valid in every resource or data block whatever the provider says.
var (
	metaArguments = map[string]bool{"count": true, "for_each": true, "depends_on": true, "provider": true}
	metaBlocks    = map[string]bool{"lifecycle": true, "provisioner": true, "connection": true}
)

type checker struct {
	schema      *Schema
	findings    []finding
	blocks      int // resource and data blocks checked
	names       int // arguments and nested blocks checked
	constraints int // google provider version constraints checked
	skipped     map[string]bool
}

func runCheck(args []string) error {
	fset := flag.NewFlagSet("check", flag.ContinueOnError)
	schemaPath := fset.String("schema", "", "the JSON that extract wrote")
	if err := fset.Parse(args); err != nil {
		return err
	}
	if *schemaPath == "" || fset.NArg() == 0 {
		return fmt.Errorf("check needs -schema and at least one directory")
	}
	schema, err := readSchema(*schemaPath)
	if err != nil {
		return err
	}
	c := &checker{schema: schema, skipped: map[string]bool{}}
	files := 0
	for _, dir := range fset.Args() {
		err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() && d.Name() == ".terraform" {
				return filepath.SkipDir
			}
			if d.IsDir() || !strings.HasSuffix(path, ".tf") {
				return nil
			}
			files++
			return c.checkFile(path)
		})
		if err != nil {
			return err
		}
	}
	skipped := make([]string, 0, len(c.skipped))
	for t := range c.skipped {
		skipped = append(skipped, t)
	}
	sort.Strings(skipped)
	fmt.Printf("checked %d resource/data/provider blocks with %d argument and block names, and %d provider version constraints, in %d files against %s\n", c.blocks, c.names, c.constraints, files, schema.Source)
	if len(skipped) > 0 {
		fmt.Printf("not the google provider's, not checked: %s\n", strings.Join(skipped, ", "))
	}
	if len(c.findings) > 0 {
		// HCL keeps a body's arguments in a map: sort, so the report reads in file order.
		sort.SliceStable(c.findings, func(i, j int) bool {
			a, b := c.findings[i], c.findings[j]
			return a.file < b.file || (a.file == b.file && a.line < b.line)
		})
		for _, f := range c.findings {
			fmt.Println(f.text)
		}
		return fmt.Errorf("%d name(s) the google provider does not know", len(c.findings))
	}
	return nil
}

func (c *checker) checkFile(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	file, diags := hclsyntax.ParseConfig(src, path, hcl.InitialPos)
	if diags.HasErrors() {
		return fmt.Errorf("%s", diags.Error())
	}
	for _, block := range file.Body.(*hclsyntax.Body).Blocks {
		switch {
		case (block.Type == "resource" || block.Type == "data") && len(block.Labels) == 2:
			c.checkTop(block)
		case block.Type == "terraform":
			c.checkConstraint(block)
		case block.Type == "provider" && len(block.Labels) == 1 && isGoogle(block.Labels[0]):
			c.blocks++
			c.checkBody(block.Body, c.schema.Types[c.schema.Provider], "provider "+block.Labels[0], false)
		}
	}
	return nil
}

// checkConstraint requires every google provider version constraint to include the version checked against,
// or the check would vouch for a schema the configuration never runs with.
func (c *checker) checkConstraint(tf *hclsyntax.Block) {
	for _, rp := range tf.Body.Blocks {
		if rp.Type != "required_providers" {
			continue
		}
		for name, attr := range rp.Body.Attributes {
			if !isGoogle(name) {
				continue
			}
			val, diags := attr.Expr.Value(nil)
			if diags.HasErrors() || !val.Type().IsObjectType() || !val.Type().HasAttribute("version") {
				c.report(attr.NameRange, "required_providers", fmt.Sprintf("%s has no literal version constraint", name))
				continue
			}
			text := val.GetAttr("version").AsString()
			constraint, err := version.NewConstraint(text)
			if err != nil {
				c.report(attr.NameRange, "required_providers", fmt.Sprintf("%s version %q does not parse: %v", name, text, err))
				continue
			}
			if !constraint.Check(version.Must(version.NewVersion(c.schema.Version))) {
				c.report(attr.NameRange, "required_providers", fmt.Sprintf("%s version %q excludes %s, the version this check knows the schema of", name, text, c.schema.Version))
			}
			c.constraints++
		}
	}
}

func isGoogle(name string) bool { return name == "google" || name == "google-beta" }

func (c *checker) checkTop(block *hclsyntax.Block) {
	kind, typ := block.Type, block.Labels[0]
	if !strings.HasPrefix(typ, "google_") {
		c.skipped[kind+" "+typ] = true
		return
	}
	c.blocks++
	types := c.schema.Resources
	if kind == "data" {
		types = c.schema.Data
	}
	where := kind + " " + typ + "." + block.Labels[1]
	key, ok := types[typ]
	if !ok {
		c.report(block.TypeRange, where, fmt.Sprintf("the google provider has no %s type %q%s", kindName(kind), typ, suggest(typ, keys(types))))
		return
	}
	c.checkBody(block.Body, c.schema.Types[key], where, true)
}

func kindName(kind string) string {
	if kind == "data" {
		return "data source"
	}
	return "resource"
}

// checkBody checks every argument and nested block of body against node; top is the resource's own body,
// where Terraform's meta-arguments are allowed too.
func (c *checker) checkBody(body *hclsyntax.Body, node *Node, where string, top bool) {
	known := map[string]bool{}
	for _, a := range node.Attributes {
		known[a] = true
	}
	for name, attr := range body.Attributes {
		c.names++
		if known[name] || (top && metaArguments[name]) {
			continue
		}
		if _, isBlock := node.Blocks[name]; isBlock {
			c.report(attr.NameRange, where, fmt.Sprintf("%q is a block, not an argument: write %s { ... }", name, name))
			continue
		}
		c.report(attr.NameRange, where, fmt.Sprintf("unknown argument %q%s", name, suggest(name, node.Attributes)))
	}
	for _, block := range body.Blocks {
		c.names++
		name := block.Type
		if top && metaBlocks[name] {
			continue
		}
		inner := block.Body
		if name == "dynamic" && len(block.Labels) == 1 {
			name = block.Labels[0]
			inner = nil
			for _, b := range block.Body.Blocks {
				if b.Type == "content" {
					inner = b.Body
				}
			}
		}
		ref, ok := node.Blocks[name]
		if !ok {
			hint := suggest(name, keys(node.Blocks))
			if known[name] {
				hint = fmt.Sprintf(": %q is an argument, write %s = ...", name, name)
			}
			c.report(block.TypeRange, where, fmt.Sprintf("unknown block %q%s", name, hint))
			continue
		}
		if inner != nil {
			c.checkBody(inner, c.schema.Types[ref], where+"."+name, false)
		}
	}
}

type finding struct {
	file string
	line int
	text string
}

func (c *checker) report(r hcl.Range, where, msg string) {
	c.findings = append(c.findings, finding{r.Filename, r.Start.Line, fmt.Sprintf("%s:%d: %s: %s", r.Filename, r.Start.Line, where, msg)})
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// suggest names the closest known name, when one is close enough to be a likely typo.
func suggest(name string, known []string) string {
	best, bestDist := "", len(name)/3+2
	for _, k := range known {
		if d := distance(name, k); d < bestDist || (d == bestDist && k < best) {
			best, bestDist = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// distance is the Levenshtein edit distance.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
