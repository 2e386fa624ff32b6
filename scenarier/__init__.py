"""Scenariosimulering for kapasitetsplanlegging: befolkning → behov → ankomster → den ekte
tildelingsmotoren uke for uke (institusjonsplasser og omsorgsboliger) → ventetider, belegg, UKP-døgn
og kostnad (issue 6)."""
