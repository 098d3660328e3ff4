// A stand-in for github.com/pkg/errors, which BuildKit's parser and lexer import: the differential build
// uses the standard library only (no modules to download).
package errors

import (
	stderrors "errors"
	"fmt"
)

func New(s string) error                                 { return fmt.Errorf("%s", s) }
func Errorf(f string, a ...interface{}) error            { return fmt.Errorf(f, a...) }
func Wrapf(err error, f string, a ...interface{}) error  { return fmt.Errorf(f+": %w", append(a, err)...) }
func Wrap(err error, s string) error                     { return fmt.Errorf("%s: %w", s, err) }
func As(err error, target interface{}) bool              { return stderrors.As(err, target) }
func Is(err, target error) bool                          { return stderrors.Is(err, target) }
