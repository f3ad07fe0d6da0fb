package main

import (
	"encoding/json"
	"os"
)

// Schema is what extract writes and check reads. Nested block types are kept by name in Types (a block's
// type may repeat or recurse), so every Node refers to its child blocks' types by key.
type Schema struct {
	Source    string            `json:"source"`    // the package and provider version it was read from
	Version   string            `json:"version"`   // the google provider version the package was generated from
	Provider  string            `json:"provider"`  // type key of the provider block
	Resources map[string]string `json:"resources"` // resource type -> type key
	Data      map[string]string `json:"data"`      // data source type -> type key
	Types     map[string]*Node  `json:"types"`
}

// Node is one block body: its argument names and its nested blocks (name -> type key).
type Node struct {
	Attributes []string          `json:"attributes"`
	Blocks     map[string]string `json:"blocks"`
}

func readSchema(path string) (*Schema, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var s Schema
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, err
	}
	return &s, nil
}
