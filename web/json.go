package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/rapportnet/rapport"
)

type errorResponse struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// writeJSON writes v as the JSON body of an answer.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(true)
	enc.Encode(v)
}

// decodeJSON reads a request body of exactly one JSON object into v. It
// refuses another content type, unknown fields, values of the wrong type and
// anything after the object, naming the field where it can.
func decodeJSON(r *http.Request, v any) error {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return rapport.Errorf(rapport.EUNSUPPORTED, "Send the body as application/json.")
	}
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return rapport.Errorf(rapport.EBADREQUEST, "The body must hold one JSON object and nothing after it.")
	}
	return nil
}

func jsonError(err error) error {
	var maxErr *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	var syntaxErr *json.SyntaxError
	switch {
	case errors.As(err, &maxErr):
		return err
	case errors.Is(err, io.EOF):
		return rapport.Errorf(rapport.EBADREQUEST, "The body is empty; send a JSON object.")
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return rapport.Errorf(rapport.EBADREQUEST, "The body must be a JSON object.")
		}
		return &rapport.Error{Code: rapport.EBADREQUEST, Field: typeErr.Field,
			Message: fmt.Sprintf("Expected %s for %s, got %s.", jsonType(typeErr.Type.Kind().String()), typeErr.Field, typeErr.Value)}
	case errors.As(err, &syntaxErr), errors.Is(err, io.ErrUnexpectedEOF):
		return rapport.Errorf(rapport.EBADREQUEST, "The body is not valid JSON.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		// encoding/json quotes the name with %q: unquote it, so that the
		// field is named as the body has it.
		field := strings.TrimPrefix(err.Error(), "json: unknown field ")
		if f, err := strconv.Unquote(field); err == nil {
			field = f
		}
		return &rapport.Error{Code: rapport.EBADREQUEST, Field: field, Message: fmt.Sprintf("Unknown field %q.", field)}
	}
	return rapport.Errorf(rapport.EBADREQUEST, "The body could not be read as JSON.")
}

func jsonType(kind string) string {
	switch {
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "bool":
		return "true or false"
	case kind == "slice":
		return "an array"
	}
	return "an object"
}
