// jsondecode decodes JSON documents with Go's encoding/json into the struct shapes Docker decodes them into
// (moby image.Image / container.Config / tarexport manifestItem of Docker 20.10, image-spec Index /
// Manifest / Descriptor / Platform / ImageLayout), written out here from those sources rather than
// imported: no modules. It reads one case per line on stdin, {"kind": "...", "mode": "document"|"value",
// "b64": "..."}, and prints one line per case: the decoded value as canonical JSON (struct fields by their
// JSON names, embedded structs flattened, integers as strings, times as "unix.nanos", []byte as base64),
// or {"error": "..."}. Used by test/differential/json-decode.test.ts.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// strSlice is moby's strslice.StrSlice.
type strSlice []string

func (e *strSlice) UnmarshalJSON(b []byte) error {
	if len(b) == 0 {
		return nil
	}
	p := make([]string, 0, 1)
	if err := json.Unmarshal(b, &p); err != nil {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		p = append(p, s)
	}
	*e = p
	return nil
}

type healthConfig struct {
	Test        []string      `json:",omitempty"`
	Interval    time.Duration `json:",omitempty"`
	Timeout     time.Duration `json:",omitempty"`
	StartPeriod time.Duration `json:",omitempty"`
	Retries     int           `json:",omitempty"`
}

type containerConfig struct {
	Hostname        string
	Domainname      string
	User            string
	AttachStdin     bool
	AttachStdout    bool
	AttachStderr    bool
	ExposedPorts    map[string]struct{} `json:",omitempty"`
	Tty             bool
	OpenStdin       bool
	StdinOnce       bool
	Env             []string
	Cmd             strSlice
	Healthcheck     *healthConfig `json:",omitempty"`
	ArgsEscaped     bool          `json:",omitempty"`
	Image           string
	Volumes         map[string]struct{}
	WorkingDir      string
	Entrypoint      strSlice
	NetworkDisabled bool   `json:",omitempty"`
	MacAddress      string `json:",omitempty"`
	OnBuild         []string
	Labels          map[string]string
	StopSignal      string    `json:",omitempty"`
	StopTimeout     *int      `json:",omitempty"`
	Shell           strSlice  `json:",omitempty"`
}

type v1Image struct {
	ID              string           `json:"id,omitempty"`
	Parent          string           `json:"parent,omitempty"`
	Comment         string           `json:"comment,omitempty"`
	Created         time.Time        `json:"created"`
	Container       string           `json:"container,omitempty"`
	ContainerConfig containerConfig  `json:"container_config,omitempty"`
	DockerVersion   string           `json:"docker_version,omitempty"`
	Author          string           `json:"author,omitempty"`
	Config          *containerConfig `json:"config,omitempty"`
	Architecture    string           `json:"architecture,omitempty"`
	Variant         string           `json:"variant,omitempty"`
	OS              string           `json:"os,omitempty"`
	Size            int64            `json:",omitempty"`
}

type rootFS struct {
	Type    string   `json:"type"`
	DiffIDs []string `json:"diff_ids,omitempty"`
}

type history struct {
	Created    *time.Time `json:"created,omitempty"`
	Author     string     `json:"author,omitempty"`
	CreatedBy  string     `json:"created_by,omitempty"`
	Comment    string     `json:"comment,omitempty"`
	EmptyLayer bool       `json:"empty_layer,omitempty"`
}

type image struct {
	v1Image
	Parent     string    `json:"parent,omitempty"`
	RootFS     *rootFS   `json:"rootfs,omitempty"`
	History    []history `json:"history,omitempty"`
	OSVersion  string    `json:"os.version,omitempty"`
	OSFeatures []string  `json:"os.features,omitempty"`
}

type platform struct {
	Architecture string   `json:"architecture"`
	OS           string   `json:"os"`
	OSVersion    string   `json:"os.version,omitempty"`
	OSFeatures   []string `json:"os.features,omitempty"`
	Variant      string   `json:"variant,omitempty"`
}

type descriptor struct {
	MediaType    string            `json:"mediaType"`
	Digest       string            `json:"digest"`
	Size         int64             `json:"size"`
	URLs         []string          `json:"urls,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	Data         []byte            `json:"data,omitempty"`
	Platform     *platform         `json:"platform,omitempty"`
	ArtifactType string            `json:"artifactType,omitempty"`
}

type index struct {
	SchemaVersion int               `json:"schemaVersion"`
	MediaType     string            `json:"mediaType,omitempty"`
	ArtifactType  string            `json:"artifactType,omitempty"`
	Manifests     []descriptor      `json:"manifests"`
	Subject       *descriptor       `json:"subject,omitempty"`
	Annotations   map[string]string `json:"annotations,omitempty"`
}

type manifest struct {
	SchemaVersion int               `json:"schemaVersion"`
	MediaType     string            `json:"mediaType,omitempty"`
	ArtifactType  string            `json:"artifactType,omitempty"`
	Config        descriptor        `json:"config"`
	Layers        []descriptor      `json:"layers"`
	Subject       *descriptor       `json:"subject,omitempty"`
	Annotations   map[string]string `json:"annotations,omitempty"`
}

type distributionDescriptor struct {
	MediaType   string            `json:"mediaType,omitempty"`
	Size        int64             `json:"size,omitempty"`
	Digest      string            `json:"digest,omitempty"`
	URLs        []string          `json:"urls,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Platform    *platform         `json:"platform,omitempty"`
}

type manifestItem struct {
	Config       string
	RepoTags     []string
	Layers       []string
	Parent       string                            `json:",omitempty"`
	LayerSources map[string]distributionDescriptor `json:",omitempty"`
}

type imageLayout struct {
	Version string `json:"imageLayoutVersion"`
}

type input struct {
	Kind string `json:"kind"`
	Mode string `json:"mode"`
	B64  string `json:"b64"`
}

var timeType = reflect.TypeOf(time.Time{})

func jsonName(f reflect.StructField) string {
	tag := f.Tag.Get("json")
	if name := strings.Split(tag, ",")[0]; name != "" {
		return name
	}
	return f.Name
}

// canonical turns a decoded Go value into a tree json.Marshal prints with sorted keys.
func canonical(v reflect.Value) interface{} {
	if v.Type() == timeType {
		t := v.Interface().(time.Time)
		return fmt.Sprintf("%d.%09d", t.Unix(), t.Nanosecond())
	}
	switch v.Kind() {
	case reflect.Ptr:
		if v.IsNil() {
			return nil
		}
		return canonical(v.Elem())
	case reflect.Struct:
		out := map[string]interface{}{}
		fill(v, out)
		return out
	case reflect.Slice:
		if v.IsNil() {
			return nil
		}
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return base64.StdEncoding.EncodeToString(v.Bytes())
		}
		out := make([]interface{}, v.Len())
		for i := range out {
			out[i] = canonical(v.Index(i))
		}
		return out
	case reflect.Map:
		if v.IsNil() {
			return nil
		}
		out := map[string]interface{}{}
		for _, key := range v.MapKeys() {
			out[key.String()] = canonical(v.MapIndex(key))
		}
		return out
	case reflect.String:
		return v.String()
	case reflect.Bool:
		return v.Bool()
	case reflect.Int, reflect.Int64, reflect.Int32:
		return strconv.FormatInt(v.Int(), 10)
	}
	panic("unhandled kind " + v.Kind().String())
}

// fill flattens embedded structs first, so that the outer struct's fields win, as Go's dominance rule has it.
func fill(v reflect.Value, out map[string]interface{}) {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		if t.Field(i).Anonymous {
			fill(v.Field(i), out)
		}
	}
	for i := 0; i < t.NumField(); i++ {
		if !t.Field(i).Anonymous {
			out[jsonName(t.Field(i))] = canonical(v.Field(i))
		}
	}
}

func target(kind string) interface{} {
	switch kind {
	case "config":
		return &image{}
	case "index":
		return &index{}
	case "manifest":
		return &manifest{}
	case "docker-manifest":
		var items []manifestItem
		return &items
	case "oci-layout":
		return &imageLayout{}
	}
	panic("unknown kind " + kind)
}

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 64<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var c input
		if err := json.Unmarshal(in.Bytes(), &c); err != nil {
			panic(err)
		}
		data, err := base64.StdEncoding.DecodeString(c.B64)
		if err != nil {
			panic(err)
		}
		value := target(c.Kind)
		if c.Mode == "value" {
			err = json.NewDecoder(bytes.NewReader(data)).Decode(value)
		} else {
			err = json.Unmarshal(data, value)
		}
		var line []byte
		if err != nil {
			line, _ = json.Marshal(map[string]string{"error": err.Error()})
		} else {
			line, _ = json.Marshal(canonical(reflect.ValueOf(value)))
		}
		out.Write(line)
		out.WriteByte('\n')
	}
}
