// tf-schema-check: a name-level schema check of Terraform code against the google provider, standing in
// for `terraform validate` where the provider binary cannot be fetched.
//
//	tf-schema-check extract -package DIR -out schema.json   (DIR: an unpacked @cdktf/provider-google)
//	tf-schema-check check -schema schema.json DIR...        (every *.tf below each DIR)
//
// extract.go reads the resource/data source/provider schemas out of the package's generated
// synthesizeHclAttributes maps; check.go parses the .tf files with HCL's own parser and reports every
// resource, data source, argument and nested block the provider does not know.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tf-schema-check extract -package DIR -out FILE | check -schema FILE DIR...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "extract":
		err = runExtract(os.Args[2:])
	case "check":
		err = runCheck(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q: use extract or check", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "tf-schema-check:", err)
		os.Exit(1)
	}
}
