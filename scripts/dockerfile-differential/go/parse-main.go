// Reads JSON strings (whole Dockerfiles) and prints what BuildKit's parser.Parse makes of each:
// instructions with their lines, logical text, flags, JSON form and heredocs, or the error.
package main

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"

	"bk/parser"
)

type heredoc struct {
	Name    string `json:"name"`
	Chomp   bool   `json:"chomp"`
	Expand  bool   `json:"expand"`
	Content string `json:"content"`
}
type inst struct {
	Keyword  string    `json:"keyword"`
	Line     int       `json:"line"`
	EndLine  int       `json:"endLine"`
	Original string    `json:"original"`
	Flags    []string  `json:"flags"`
	JSON     bool      `json:"json"`
	Heredocs []heredoc `json:"heredocs"`
}
type res struct {
	Instructions []inst `json:"instructions"`
	Escape       string `json:"escape"`
	Err          string `json:"error,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var text string
		if err := json.Unmarshal(in.Bytes(), &text); err != nil {
			panic(err)
		}
		var o res
		r, err := parser.Parse(strings.NewReader(text))
		if err != nil {
			o.Err = err.Error()
		} else {
			o.Escape = string(r.EscapeToken)
			for _, n := range r.AST.Children {
				i := inst{Keyword: n.Value, Line: n.StartLine, EndLine: n.EndLine, Original: n.Original, Flags: n.Flags, JSON: n.Attributes["json"]}
				if i.Flags == nil {
					i.Flags = []string{}
				}
				i.Heredocs = []heredoc{}
				for _, h := range n.Heredocs {
					i.Heredocs = append(i.Heredocs, heredoc{h.Name, h.Chomp, h.Expand, h.Content})
				}
				o.Instructions = append(o.Instructions, i)
			}
		}
		out.Encode(o)
	}
}
