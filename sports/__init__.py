"""Sports facilities from the national census of sports equipment (Data ES), attached to the
QPV they are in or near (issue 20, « Sports et femmes »)."""
