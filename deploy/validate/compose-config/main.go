// compose-config checks a compose file the way `docker compose config` does, without a Docker
// engine or the compose CLI: it loads the file with compose-go (the library the CLI is built on),
// which validates it against the Compose Specification's schema, interpolates and normalizes it.
// It then checks that every build context and Dockerfile exists, and prints the resolved model.
//
//	compose-config docker-compose.yml
package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: compose-config <compose file>")
		os.Exit(2)
	}
	project, err := load(os.Args[1])
	if err != nil {
		fmt.Fprintf(os.Stderr, "compose: %s is not valid: %v\n", os.Args[1], err)
		os.Exit(1)
	}
	if problems := missingBuildFiles(project); len(problems) > 0 {
		for _, problem := range problems {
			fmt.Fprintln(os.Stderr, "compose:", problem)
		}
		os.Exit(1)
	}
	model, err := project.MarshalYAML()
	if err != nil {
		fmt.Fprintln(os.Stderr, "compose:", err)
		os.Exit(1)
	}
	os.Stdout.Write(model)
	fmt.Fprintf(os.Stderr, "compose: %s is valid (%d services)\n", os.Args[1], len(project.Services))
}

func load(file string) (*types.Project, error) {
	options, err := cli.NewProjectOptions([]string{file}, cli.WithOsEnv, cli.WithDotEnv, cli.WithName("kepu"))
	if err != nil {
		return nil, err
	}
	return options.LoadProject(context.Background())
}

// missingBuildFiles: the loader accepts a build section whose context or Dockerfile is absent;
// `docker compose build` would not, so neither do we.
func missingBuildFiles(project *types.Project) []string {
	var problems []string
	for name, service := range project.Services {
		if service.Build == nil {
			continue
		}
		dockerfile := service.Build.Dockerfile
		if dockerfile == "" {
			dockerfile = "Dockerfile"
		}
		if !filepath.IsAbs(dockerfile) {
			dockerfile = filepath.Join(service.Build.Context, dockerfile)
		}
		for _, path := range []string{service.Build.Context, dockerfile} {
			if _, err := os.Stat(path); err != nil {
				problems = append(problems, fmt.Sprintf("service %s: %s does not exist", name, path))
			}
		}
	}
	return problems
}
