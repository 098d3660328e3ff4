// Reads JSON lines {word, env, escape, words} and prints what BuildKit's lexer (ProcessWord, or
// ProcessWords as its parser runs it to find heredocs) makes of each.
package main

import (
	"bufio"
	"encoding/json"
	"os"

	"bk/shell"
)

type req struct {
	Word   string            `json:"word"`
	Env    map[string]string `json:"env"`
	Escape string            `json:"escape"`
	Words  bool              `json:"words"`
}
type res struct {
	Value string   `json:"value"`
	Words []string `json:"words,omitempty"`
	Err   string   `json:"error,omitempty"`
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<26)
	out := json.NewEncoder(os.Stdout)
	for in.Scan() {
		var r req
		if err := json.Unmarshal(in.Bytes(), &r); err != nil {
			panic(err)
		}
		env := []string{}
		for k, v := range r.Env {
			env = append(env, k+"="+v)
		}
		esc := '\\'
		if r.Escape == "`" {
			esc = '`'
		}
		if r.Words {
			esc = '\\'
		}
		lex := shell.NewLex(esc)
		var o res
		if r.Words {
			lex.RawQuotes = true
			lex.RawEscapes = true
			lex.SkipUnsetEnv = true
			w, err := lex.ProcessWords(r.Word, shell.EnvsFromSlice(nil))
			o.Words = w
			if err != nil {
				o.Err = err.Error()
			}
		} else {
			v, _, err := lex.ProcessWord(r.Word, shell.EnvsFromSlice(env))
			o.Value = v
			if err != nil {
				o.Err = err.Error()
			}
		}
		out.Encode(o)
	}
}
