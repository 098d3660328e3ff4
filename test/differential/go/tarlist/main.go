// Command tarlist reads tar streams with Go's archive/tar, exactly as the Docker engine does (moby's
// pkg/archive and containerd's archive both call tar.NewReader and read every regular file's body), and
// prints what it read: one JSON line per case.
//
// Input (stdin): cases back to back, each a 1-byte mode, a 4-byte little-endian length and the bytes.
// Mode 0: a plain tar. Modes 1 and 2: a layer blob, decompressed as moby's DecompressStream does (gzip
// only by its magic 1f 8b 08, else a plain tar), mode 1 the way moby does it when unpigz is installed (its
// default with Docker's packages: concatenated members, anything after a complete member that does not
// open another one ignored), mode 2 with Go's compress/gzip when it is not (multistream; anything else
// after a member is an error, which surfaces when docker-untar reads its input to the end). Names are
// printed as hex, so they compare as bytes.
package main

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
)

type entry struct {
	Name     string `json:"name"`
	Linkname string `json:"linkname"`
	Typeflag int    `json:"typeflag"`
	Size     int64  `json:"size"`
	Mode     int64  `json:"mode"`
	Uid      int    `json:"uid"`
	Gid      int    `json:"gid"`
}

type result struct {
	Entries []entry `json:"entries"`
	Error   *string `json:"error"`
}

// gunzipLikeUnpigz returns the concatenated members of a gzip stream, stopping at the first thing after a
// complete member that does not open another one.
func gunzipLikeUnpigz(data []byte) ([]byte, error) {
	var out bytes.Buffer
	r := bytes.NewReader(data)
	br := bufio.NewReader(r)
	first := true
	for {
		if !first {
			head, _ := br.Peek(3)
			if len(head) < 3 || head[0] != 0x1f || head[1] != 0x8b || head[2] != 0x08 {
				return out.Bytes(), nil
			}
		}
		z, err := gzip.NewReader(br)
		if err != nil {
			if first {
				return out.Bytes(), err
			}
			return out.Bytes(), nil // a broken header after a member: junk to unpigz
		}
		z.Multistream(false)
		if _, err := io.Copy(&out, z); err != nil {
			return out.Bytes(), err
		}
		first = false
	}
}

// gunzipWithGo is compress/gzip as moby uses it without unpigz: every member, and an error for anything else.
func gunzipWithGo(data []byte) ([]byte, error) {
	z, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	_, err = io.Copy(&out, z)
	return out.Bytes(), err
}

func list(data []byte) result {
	res := result{Entries: []entry{}}
	fail := func(err error) result {
		msg := err.Error()
		res.Error = &msg
		return res
	}
	tr := tar.NewReader(bytes.NewReader(data))
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return res
		}
		if err != nil {
			return fail(err)
		}
		res.Entries = append(res.Entries, entry{
			Name:     hex.EncodeToString([]byte(hdr.Name)),
			Linkname: hex.EncodeToString([]byte(hdr.Linkname)),
			Typeflag: int(hdr.Typeflag),
			Size:     hdr.Size,
			Mode:     hdr.Mode,
			Uid:      hdr.Uid,
			Gid:      hdr.Gid,
		})
		// moby reads the body of every regular file it creates; reading every body also shows the sparse
		// reader's errors, which only a read raises.
		if _, err := io.Copy(io.Discard, tr); err != nil {
			return fail(err)
		}
	}
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	var head [5]byte
	for {
		if _, err := io.ReadFull(in, head[:]); err != nil {
			return
		}
		data := make([]byte, binary.LittleEndian.Uint32(head[1:]))
		if _, err := io.ReadFull(in, data); err != nil {
			panic(err)
		}
		var gzErr error
		// moby's DetectCompression: gzip only by its magic; anything else (an empty blob too) is a plain tar.
		if head[0] != 0 && bytes.HasPrefix(data, []byte{0x1f, 0x8b, 0x08}) {
			if head[0] == 1 {
				data, gzErr = gunzipLikeUnpigz(data)
			} else {
				data, gzErr = gunzipWithGo(data)
			}
		}
		// As the engine streams it: the tar reader sees what was decompressed, then the decompressor's error.
		res := list(data)
		if gzErr != nil && res.Error == nil {
			msg := "gzip: " + gzErr.Error()
			res.Error = &msg
		}
		enc.Encode(res)
	}
}
