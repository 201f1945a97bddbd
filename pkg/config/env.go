package config

import (
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
)

// envRef is the one form of environment reference the file may use.
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${NAME} in every string value of v (a pointer to the
// decoded configuration) with the environment variable NAME. Only values
// are expanded, after parsing, so a secret can hold any character
// (a bare $X stays as written, YAML syntax stays text) and comments are
// never read. A reference to an unset variable is an error naming it.
func expandEnv(v any) error {
	return expandValue(reflect.ValueOf(v).Elem(), "")
}

func expandValue(v reflect.Value, path string) error {
	switch v.Kind() {
	case reflect.String:
		s, err := expandString(v.String())
		if err != nil {
			return fmt.Errorf("%s: %w", strings.TrimPrefix(path, "."), err)
		}
		v.SetString(s)
	case reflect.Pointer:
		if !v.IsNil() {
			return expandValue(v.Elem(), path)
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				continue
			}
			name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			p := path
			if name != "" {
				p += "." + name
			}
			if err := expandValue(v.Field(i), p); err != nil {
				return err
			}
		}
	case reflect.Slice:
		for i := range v.Len() {
			if err := expandValue(v.Index(i), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		if v.Type().Elem().Kind() != reflect.String {
			return nil
		}
		for _, k := range v.MapKeys() {
			s, err := expandString(v.MapIndex(k).String())
			if err != nil {
				return fmt.Errorf("%s.%v: %w", strings.TrimPrefix(path, "."), k, err)
			}
			v.SetMapIndex(k, reflect.ValueOf(s).Convert(v.Type().Elem()))
		}
	}
	return nil
}

func expandString(s string) (string, error) {
	var missing string
	out := envRef.ReplaceAllStringFunc(s, func(ref string) string {
		name := envRef.FindStringSubmatch(ref)[1]
		val, ok := os.LookupEnv(name)
		if !ok && missing == "" {
			missing = name
		}
		return val
	})
	if missing != "" {
		return "", fmt.Errorf("${%s}: environment variable %s is not set", missing, missing)
	}
	return out, nil
}
