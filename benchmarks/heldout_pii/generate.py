"""Generate the held-out PII set: course rosters plus labeled learner messages and course paragraphs.

Written from a spec of formats (what pupils, parents and teachers type, in eight locales), blind to the
recognizers in privacy/, so that it measures recall on material nobody tuned against. Deterministic per seed:
Faker (pinned in pyproject) draws names and street names, one random.Random drives every other choice.

Run `python -m benchmarks.heldout_pii.generate OUT_DIR [--seed N]` to write OUT_DIR/records.jsonl and
OUT_DIR/rosters.jsonl for inspection.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import string
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import phonenumbers  # installed with presidio-analyzer; only used to make sure "invalid" numbers are invalid
from faker import Faker

DEFAULT_SEED = 20261203
LOCALES = ("en_US", "en_GB", "es_MX", "de_AT", "fr_FR", "it_IT", "en_IN", "en_CA")
ENTITY_TYPES = ("PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "STUDENT_ID", "STREET_ADDRESS", "DATE_OF_BIRTH")
N_LEARNER = 700
N_COURSE = 250
KEEP = "KEEP"
LANGUAGE = {"en_US": "en", "en_GB": "en", "en_IN": "en", "en_CA": "en", "es_MX": "es", "de_AT": "de",
            "fr_FR": "fr", "it_IT": "it"}

# --------------------------------------------------------------------------------------------------------------
# Courses: one school each, its own e-mail domain and student-ID format; rosters drawn across all locales.
# --------------------------------------------------------------------------------------------------------------
COURSES = {
    "y7-science-stmarys": {"locale": "en_GB", "subject": "science", "grade": "Year 7", "domain": "stmarys.local",
                           "staff_domain": "stmarys.sch.uk", "sid": "S-####-####"},
    "g6-history-lincoln": {"locale": "en_US", "subject": "history", "grade": "Grade 6",
                           "domain": "pupils.school.internal", "staff_domain": "lincolnms.org", "sid": "2024####"},
    "5b-geografie-wien": {"locale": "de_AT", "subject": "geography", "grade": "5B",
                          "domain": "schueler.brg-wien.at", "staff_domain": "brg-wien.at", "sid": "PX-######"},
    "3a-lettere-roma": {"locale": "it_IT", "subject": "literature", "grade": "3A",
                        "domain": "studenti.liceo-manzoni.edu.it", "staff_domain": "liceo-manzoni.edu.it",
                        "sid": "2024/00###"},
    "class8-science-pune": {"locale": "en_IN", "subject": "science", "grade": "Class 8",
                            "domain": "students.dps-pune.edu.in", "staff_domain": "dps-pune.edu.in",
                            "sid": "@@##@@##"},
}

# --------------------------------------------------------------------------------------------------------------
# Formats. '#' is a digit, 'N' a digit 2-9, '@' an upper-case letter.
# --------------------------------------------------------------------------------------------------------------
PHONE_FORMATS = {
    "en_US": ["(N##) N##-####", "N##-N##-####", "N##.N##.####", "+1 N## N## ####", "1-N##-N##-####",
              "+1 (N##) N##-####", "N## N## ####"],
    "en_CA": ["(N##) N##-####", "N##-N##-####", "+1 N##-N##-####", "N## N## ####", "+1 (N##) N##-####"],
    "en_GB": ["07### ######", "+44 7### ######", "020 #### ####", "0161 ### ####", "+44 (0)1## ### ####",
              "01### ######", "(0113) ### ####", "+44 20 #### ####", "07#########"],
    "es_MX": ["55 #### ####", "+52 55 #### ####", "(33) ####-####", "+52 81 #### ####", "81-####-####",
              "+52 (222) ###-####", "55-####-####"],
    "de_AT": ["+43 664 #######", "0664 ### ####", "01 ### ## ##", "+43 1 ### ####", "0316 ######",
              "+43 (0)676 ### ## ##", "0699/########", "0043 660 ### ####"],
    "fr_FR": ["06 ## ## ## ##", "+33 6 ## ## ## ##", "01.##.##.##.##", "07########", "+33 (0)4 ## ## ## ##",
              "09-##-##-##-##", "+33 7 ## ## ## ##"],
    "it_IT": ["3## ### ####", "+39 3## #######", "06 ########", "02 #### ####", "+39 06 #### ####",
              "3##-#######", "+39 347 ### ####"],
    "en_IN": ["+91 9#### #####", "9#########", "+91-22-####-####", "022 ########", "+91 7### ### ###",
              "080-########", "+91 8#########", "09#########"],
}
# Phone-like but not valid: reserved/fictional ranges, impossible area codes, wrong length.
BAD_PHONE_FORMATS = ["555-01##", "(555) 01#-####", "(123) 456-7890", "000-###-####", "07700 900###",
                     "+44 20 7946 0###", "01 99 00 ## ##", "### ####", "0##-####", "+## ### ### ### ###",
                     "#### #### #### ##", "0664 ### ##", "06 ## ## ## #", "+91 ### ##", "555 ## ##",
                     "1-800-###-#####", "+43 ### #", "#####"]
STUDENT_ID_FORMATS = ["S-####-####", "PX-######", "2024####", "20##/00###", "@@##@@##", "S#######", "STU-#####",
                      "####-####", "@#######", "@@-####-@@", "###-###-###", "20##-####", "MAT####", "#####/@",
                      "@@@#####", "##@@####", "L/2#/####", "#########", "@##-###-###", "SID-##-####", "@@######",
                      "2#-@@-###"]
FREE_EMAIL_DOMAINS = {
    "en_US": ["gmail.com", "yahoo.com", "outlook.com", "icloud.com", "aol.com", "comcast.net"],
    "en_GB": ["btinternet.com", "yahoo.co.uk", "hotmail.co.uk", "sky.com", "gmail.com", "virginmedia.com"],
    "es_MX": ["hotmail.com", "prodigy.net.mx", "yahoo.com.mx", "outlook.es", "gmail.com"],
    "de_AT": ["gmx.at", "aon.at", "chello.at", "gmail.com", "a1.net", "web.de"],
    "fr_FR": ["orange.fr", "free.fr", "laposte.net", "wanadoo.fr", "sfr.fr", "gmail.com"],
    "it_IT": ["libero.it", "virgilio.it", "tiscali.it", "alice.it", "gmail.com"],
    "en_IN": ["rediffmail.com", "yahoo.co.in", "gmail.com", "outlook.in"],
    "en_CA": ["shaw.ca", "rogers.com", "sympatico.ca", "videotron.ca", "gmail.com"],
}
INTRANET_DOMAINS = ["stmarys.local", "pupils.school.internal", "students.oakwood.sch.uk", "mail.gym-linz.ac.at",
                    "eleves.college-lumiere.fr", "studenti.itis-fermi.edu.it", "alumnos.colegio-juarez.edu.mx",
                    "students.dav.edu.in", "ecole.csdm.qc.ca", "school.lan", "kids.home.arpa", "greenfield.school",
                    "learn.westbrook.academy", "mail.pupils.hs-42.k12.ny.us", "class7b.intranet", "nas.family.local"]
NICKNAMES = ["Alex", "Sam", "Lexi", "Benni", "Kathi", "Toni", "Beppe", "Paco", "Lizzie", "Bobby", "Chiara",
             "Manu", "Jojo", "Pipo", "Lulu", "Rishi", "Nico", "Gabi", "Fede", "Momo", "Jess", "Ollie", "Bea"]
SURNAME_PARTICLES = ["O'Brien", "McDonald", "van der Berg", "de la Cruz", "D'Angelo", "Di Stefano", "von Habsburg",
                     "Le Goff", "MacLeod", "dos Santos", "Ó Súilleabháin", "Fitz-Simmons", "al-Rashid"]

# Faker's it_IT city() depends on the interpreter's hash seed, so Italian cities come from this list.
ITALIAN_CITIES = ["Milano", "Roma", "Torino", "Napoli", "Bologna", "Firenze", "Genova", "Palermo", "Bari", "Verona",
                  "Padova", "Trieste", "Brescia", "Lecce"]
MONTHS = {
    "en": ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"],
    "de": ["Jänner", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
           "November", "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
           "novembre", "dicembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
}

# --------------------------------------------------------------------------------------------------------------
# Learner snippets: one sentence each, placeholders name the kind of value. {x2} is a second, different value.
#   name/first/last: PERSON, email, phone, badphone (phone-like, invalid, always after a cue), sid (after a cue),
#   addr, dob (after a birth cue), pub_person/pub_place/...: public names to keep.
# --------------------------------------------------------------------------------------------------------------
SNIPPETS = {
    "en": {
        "person": [
            "My friend {name} says the answer is 12 but I got 14.",
            "{name} is in my group for the project.",
            "I sit next to {name} and we both don't get this.",
            "My name is {name}.",
            "Hi, I'm {name}!",
            "this is {name} from 7B",
            "Mr {last} said we could ask you.",
            "Mrs {last} gave us this worksheet.",
            "Our teacher Ms {last} is off sick today.",
            "my mum {name} wants to know how I'm doing",
            "My cousin {first} helped me but got it wrong too.",
            "{name} and {name2} are my lab partners.",
            "Can you tell {name} I finished my part?",
            "I asked {first} from my class and she didn't know either.",
            "{name} keeps copying my homework.",
            "Thanks! - {first}",
            "From {name}, year 8.",
            "I'm doing this with {name}, {name2} and {name3}.",
            "my best friend is {name} and we are revising together",
            "Dad ({name}) says I should check with you.",
            "Dr {last} is our science teacher.",
            "me and {first} did the experiment yesterday",
            "Please send my marks to my grandma, {name}.",
            "{name} told me the test is on Friday.",
            "is {name} allowed to see my answers?",
            "Coach {last} said practice is cancelled so I have time for homework.",
        ],
        "email": [
            "My email is {email}.",
            "email me at {email} please",
            "Can you send the notes to {email}?",
            "my school email is {email}",
            "Please reply to {email} instead.",
            "Contact my dad ({email}) if I am stuck.",
            "Send it to <{email}> thanks",
            "{email} is my new address, the old one doesn't work.",
            "my mum's email: {email}",
            "Can you cc {email} and {email2}?",
            "I'm {name} ({email}).",
            "{name}, {email}, wants to join our revision group.",
        ],
        "phone": [
            "Call me on {phone} after school.",
            "My mobile is {phone}.",
            "tel {phone}",
            "Text me at {phone} when the quiz is ready.",
            "My phone number is {phone}.",
            "you can ring my mum on {phone}",
            "WhatsApp me on {phone}",
            "phone: {phone}",
            "my dad's cell is {phone}",
            "Call {name} on {phone} if I'm not online.",
            "Our house phone is {phone}, call after 6.",
            "text me {phone}",
        ],
        "badphone": [
            "Call me on {badphone} after school.",
            "my mobile is {badphone}",
            "tel. {badphone}",
            "text me on {badphone}",
            "My phone number is {badphone} I think.",
            "call {badphone} if you need me",
            "Mum's mobile: {badphone}",
            "ring me on {badphone}",
        ],
        "sid": [
            "My student ID is {sid}.",
            "student ID: {sid}",
            "ID {sid}",
            "my ID is {sid}",
            "Student no. {sid}",
            "student number {sid}",
            "My learner number is {sid}.",
            "pupil number {sid}",
            "Candidate number: {sid}",
            "matricula {sid}",
            "roll no {sid}",
            "Roll no. {sid}, section B.",
            "admission no. {sid}",
            "my enrolment number is {sid}",
            "I'm {name}, student ID {sid}.",
            "{name} (student number {sid}) needs the make-up test.",
        ],
        "addr": [
            "I live at {addr}.",
            "My address is {addr}.",
            "We moved to {addr} last week.",
            "Can the book be sent to {addr}?",
            "come to my house at {addr} for the project",
            "our group meets at {addr} on Saturday",
            "my home address: {addr}",
            "I'm at my dad's place this week, {addr}.",
            "Please post the certificate to {addr}.",
            "{name} lives at {addr}, can we work there?",
        ],
        "dob": [
            "I was born on {dob}.",
            "I was born {dob}",
            "born {dob}",
            "DOB: {dob}",
            "DOB {dob}",
            "D.O.B. {dob}",
            "Date of birth: {dob}",
            "my date of birth is {dob}",
            "My birthday is {dob}.",
            "my birthday is on {dob} so I'm the youngest",
            "birth date {dob}",
            "{name}, born {dob}.",
        ],
    },
    "de": {
        "person": ["Mein Freund {name} sagt, die Antwort ist 12.", "Ich heiße {name}.", "Frau {last} hat gesagt, wir "
                   "sollen dich fragen.", "meine Schwester {first} versteht das auch nicht",
                   "{name} und {name2} sind in meiner Gruppe.", "Herr {last} ist heute krank."],
        "email": ["Meine E-Mail ist {email}.", "schick es bitte an {email}", "Mail an meine Mama: {email}"],
        "phone": ["Ruf mich an unter {phone}.", "Meine Handynummer ist {phone}.", "Tel.: {phone}"],
        "badphone": ["ruf mich an unter {badphone}", "Handy: {badphone}"],
        "sid": ["Meine Schülernummer ist {sid}.", "Matrikelnummer: {sid}", "Schüler-ID {sid}", "meine ID ist {sid}"],
        "addr": ["Ich wohne in der {addr}.", "Unsere Adresse ist {addr}.", "wir treffen uns in der {addr}"],
        "dob": ["Ich bin am {dob} geboren.", "geboren am {dob}", "Geburtsdatum: {dob}"],
    },
    "fr": {
        "person": ["Mon ami {name} dit que la réponse est 12.", "Je m'appelle {name}.", "Madame {last} a dit de "
                   "te demander.", "mon frère {first} ne comprend pas non plus", "{name} et {name2} sont dans mon "
                   "groupe."],
        "email": ["Mon e-mail est {email}.", "envoie-le à {email} stp", "l'adresse de ma mère : {email}"],
        "phone": ["Appelle-moi au {phone}.", "Mon portable : {phone}", "mon numéro c'est le {phone}"],
        "badphone": ["appelle-moi au {badphone}", "tél. {badphone}"],
        "sid": ["Mon numéro d'élève est {sid}.", "numéro d'élève : {sid}", "mon identifiant élève est {sid}",
                "INE : {sid}"],
        "addr": ["J'habite au {addr}.", "Mon adresse est {addr}.", "on se retrouve au {addr}"],
        "dob": ["Je suis né le {dob}.", "je suis née le {dob}", "Date de naissance : {dob}"],
    },
    "it": {
        "person": ["Il mio amico {name} dice che la risposta è 12.", "Mi chiamo {name}.", "La prof {last} ha detto "
                   "di chiedere a te.", "mia sorella {first} non lo capisce", "{name} e {name2} sono nel mio gruppo."],
        "email": ["La mia email è {email}.", "mandalo a {email} per favore", "email di mia mamma: {email}"],
        "phone": ["Chiamami al {phone}.", "Il mio cellulare è {phone}.", "tel. {phone}"],
        "badphone": ["chiamami al {badphone}", "cell. {badphone}"],
        "sid": ["La mia matricola è {sid}.", "numero di matricola {sid}", "il mio ID è {sid}"],
        "addr": ["Abito in {addr}.", "Il mio indirizzo è {addr}.", "ci vediamo in {addr}"],
        "dob": ["Sono nato il {dob}.", "sono nata il {dob}", "Data di nascita: {dob}"],
    },
    "es": {
        "person": ["Mi amigo {name} dice que la respuesta es 12.", "Me llamo {name}.", "La maestra {last} dijo que "
                   "te preguntara.", "mi hermano {first} tampoco lo entiende", "{name} y {name2} están en mi equipo."],
        "email": ["Mi correo es {email}.", "mándalo a {email} porfa", "el correo de mi mamá: {email}"],
        "phone": ["Llámame al {phone}.", "Mi celular es {phone}.", "mándame un mensaje al {phone}"],
        "badphone": ["llámame al {badphone}", "cel. {badphone}"],
        "sid": ["Mi matrícula es {sid}.", "matrícula {sid}", "mi número de alumno es {sid}"],
        "addr": ["Vivo en {addr}.", "Mi dirección es {addr}.", "nos vemos en {addr}"],
        "dob": ["Nací el {dob}.", "fecha de nacimiento: {dob}", "nací el {dob}"],
    },
}

# Snippets about people on the course roster. r* are roster values (rsid written without a cue), g* the guardian.
ROSTER_SNIPPETS = {
    "en": [
        "I'm doing the project with {rname}, can you help us both?",
        "my partner is {rname} ({rsid})",
        "Please send feedback to my mum {gname} at {gemail}.",
        "can you email {remail} the answers too",
        "My student ID is {rsid_cue}.",
        "{rname} copied my homework!! his email is {remail}",
        "my dad {gname} says I should ask you about this",
        "is {rsid} on the list for the trip?",
        "{rfirst} and I don't get question 3.",
        "{rsid} here, I lost my worksheet.",
        "Please tell {rname} that {rname2} has the lab book.",
        "{gemail} is my mum's email, can you send her my report?",
        "It's {rname}, my login is {remail}.",
        "Can {gname} ({gemail}) see my marks?",
        "I'm {rname}, {rsid}.",
        "ask {rname_mixed}, she sits behind me",
        "{rname_upper} IS IN MY GROUP",
        "my friend {rname} lives at {addr} and we meet there",
        "{rname}'s birthday is {dob}, can we make a card in class?",
        "Call {rname}'s dad on {phone}.",
        "{remail} and {remail2} are in my group.",
        "{rsid} was absent today, can I take notes for them?",
    ],
    "de": ["Ich mache das Projekt mit {rname}.", "Bitte schick das an meine Mutter {gname}, {gemail}.",
           "{rsid} hier, ich habe mein Arbeitsblatt verloren.", "Meine Schülernummer ist {rsid_cue}."],
    "fr": ["Je fais le projet avec {rname}.", "Envoie mes notes à ma mère {gname} : {gemail}.",
           "{rsid} ici, j'ai perdu ma fiche."],
    "it": ["Faccio il progetto con {rname}.", "Manda i voti a mia mamma {gname}, {gemail}.",
           "{rsid}, ho perso la scheda.", "La mia matricola è {rsid_cue}."],
    "es": ["Hago el proyecto con {rname}.", "Manda mis notas a mi mamá {gname}: {gemail}.",
           "{rsid} aquí, perdí mi hoja."],
}

# Questions pupils ask. {pub_*} are public names the lesson is about: they must stay.
QUESTIONS = {
    "en": [
        "Can you explain photosynthesis again?", "What is the difference between mitosis and meiosis?",
        "how do I balance 2H2 + O2 -> 2H2O", "what is a metaphor", "Why is the sky blue?",
        "Can you check my answer: 3x + 5 = 20 so x = 5?", "what does 'osmosis' mean in simple words",
        "How do volcanoes form?", "what are the causes of the first world war",
        "What did {pub_sci} discover?", "Why is {pub_sci} famous?", "what is {pub_hist} known for",
        "I have to write about {pub_hist} for homework, where do I start?",
        "Explain {pub_sci}'s main idea in simple words please.", "Is {pub_char} a good or a bad character?",
        "Why does {pub_char} act like that in chapter 3?", "Who wrote the book about {pub_char}?",
        "Which countries does the {pub_river} flow through?", "why does the {pub_river} flood every year",
        "How high is {pub_mountain}?", "how was {pub_mountain} formed", "What happened in {pub_city} in 1848?",
        "Why is {pub_city} so important in history?", "Did {pub_hist} ever meet {pub_hist2}?",
        "What is the main theme of {pub_author}'s writing?", "how long is the {pub_river} compared to the [[Amazon]]",
        "Can you quiz me on {pub_hist}?", "what painting is {pub_art} most famous for",
    ],
    "de": ["Kannst du mir die Photosynthese erklären?", "Wie lang ist die {pub_river}?", "Was hat {pub_sci} entdeckt?",
           "Warum ist {pub_city} so wichtig?", "Wie hoch ist {pub_mountain}?"],
    "fr": ["Tu peux m'expliquer la photosynthèse ?", "Qu'a découvert {pub_sci} ?", "Pourquoi {pub_hist} est célèbre ?",
           "Quelle est la longueur du {pub_river} ?"],
    "it": ["Mi spieghi la fotosintesi?", "Che cosa ha scoperto {pub_sci}?", "Perché {pub_char} si comporta così?",
           "Quanto è alto il {pub_mountain}?"],
    "es": ["¿Me explicas la fotosíntesis?", "¿Qué descubrió {pub_sci}?", "¿Por qué es famoso {pub_hist}?",
           "¿Cuánto mide el {pub_river}?"],
}
# No personal data, but cues, numbers and public names that a careless recognizer takes for personal data.
HARD_NEGATIVES = [
    "'Call me [[Ishmael]]' is how [[Moby-Dick]] starts, why is that line so famous?",
    "My ID card photo is terrible lol. Anyway, what is osmosis?",
    "I got 17/20 on quiz 3 and 45/60 on the test, is that a B?",
    "On page 214, question 12 asks about the year 1492. What happened then?",
    "What does the ISBN 978-0-14-143951-8 on the back of my book mean?",
    "Born in 1452, {pub_art} painted for many patrons; how long did one painting take?",
    "We are learning about {pub_city} and the {pub_river}. Which bridges cross it?",
    "Room 2.14 is locked, where is lesson 5?",
    "Exercise 3b: 2024 - 1969 = 55, right?",
    "when I call print(5) in python it shows 5, why does call matter?",
    "[[Mount Everest]] is 8849 m high and [[K2]] is 8611 m. What is the difference?",
    "What is the phone number of an atom? our teacher said atomic number, I got confused",
    "Who was [[Juliet]]'s cousin, the one that [[Romeo]] kills?",
    "The speed of light is 299 792 458 m/s, how do we write that in standard form?",
    "Is the [[Nile]] longer than the [[Amazon]]?",
    "Text me the answer is what my brother says to his friends, but can you just explain fractions?",
    "How many moons does [[Jupiter]] have? The book says 95 and the website 92.",
    "{pub_sci} was born in a small town, why did they move to a big city to study?",
    "What is the date of the Battle of [[Hastings]], 14 October 1066?",
    "Can you explain what a student ID number is used for in a database table?",
    "my birthday party is on Saturday, so can you give me a shorter homework plan?",
    "What does '[[Vienna]], 1814' mean in the title of our history chapter?",
]

# Public names for questions (learner text). Keep spans.
PUBLIC = {
    "pub_sci": ["Marie Curie", "Isaac Newton", "Charles Darwin", "Gregor Mendel", "Rosalind Franklin",
                "Albert Einstein", "Ada Lovelace", "Galileo Galilei", "Louis Pasteur", "Lise Meitner", "C. V. Raman",
                "Srinivasa Ramanujan", "Nikola Tesla", "Michael Faraday", "Mario Molina", "Rita Levi-Montalcini",
                "Erwin Schrödinger", "Jane Goodall", "Dmitri Mendeleev", "Alexander Fleming"],
    "pub_hist": ["Julius Caesar", "Napoleon Bonaparte", "Queen Victoria", "Mahatma Gandhi", "Gandhi", "Nelson Mandela",
                 "Joan of Arc", "Cleopatra", "Winston Churchill", "Abraham Lincoln", "Benito Juárez", "Emiliano Zapata",
                 "Maria Theresa", "Giuseppe Garibaldi", "Rosa Parks", "Elizabeth I", "Charlemagne", "Simón Bolívar",
                 "Frederick Douglass", "Rani Lakshmibai", "Jawaharlal Nehru", "Marie Antoinette"],
    "pub_char": ["Romeo", "Juliet", "Oliver Twist", "Elizabeth Bennet", "Darcy", "Jean Valjean", "Don Quixote",
                 "Sancho Panza", "Faust", "Hamlet", "Macbeth", "Lady Macbeth", "Ebenezer Scrooge", "Sherlock Holmes",
                 "Atticus Finch", "Pinocchio", "Gregor Samsa", "Ishmael", "Scout", "Pip"],
    "pub_author": ["William Shakespeare", "Charles Dickens", "Jane Austen", "Victor Hugo", "Miguel de Cervantes",
                   "Dante Alighieri", "Goethe", "Gabriel García Márquez", "Rabindranath Tagore", "R. K. Narayan",
                   "Mary Shelley", "Franz Kafka", "Alessandro Manzoni", "Harper Lee"],
    "pub_art": ["Frida Kahlo", "Leonardo da Vinci", "Vincent van Gogh", "Gustav Klimt", "Diego Rivera",
                "Raja Ravi Varma", "Michelangelo"],
    "pub_river": ["Nile", "Amazon", "Danube", "Thames", "Rhine", "Ganges", "Loire", "Po", "Mississippi",
                  "St. Lawrence River", "Rio Grande"],
    "pub_mountain": ["Mount Everest", "Kilimanjaro", "Mont Blanc", "Ben Nevis", "Grossglockner", "Popocatépetl",
                     "Mount Etna", "Zugspitze", "Denali"],
    "pub_city": ["Vienna", "Paris", "Mexico City", "Mumbai", "Rome", "London", "Toronto", "Florence", "Delhi",
                 "Salzburg", "Lyon", "Boston"],
}
PUBLIC["pub_hist2"] = PUBLIC["pub_hist"]

# Lesson facts for course text; [[...]] marks a public name to keep.
FACTS = {
    "science": [
        "[[Marie Curie]] shared the 1903 Nobel Prize in Physics with [[Pierre Curie]] and [[Henri Becquerel]] for "
        "their work on radioactivity.",
        "[[Isaac Newton]] described three laws of motion; the second says that force equals mass times acceleration.",
        "[[Charles Darwin]] collected finches on the [[Galápagos Islands]] during the voyage of the [[Beagle]].",
        "[[Gregor Mendel]], a monk in [[Brno]], crossed pea plants and found the rules of inheritance.",
        "[[Rosalind Franklin]]'s X-ray image, Photo 51, helped [[James Watson]] and [[Francis Crick]] propose the "
        "double helix.",
        "[[Albert Einstein]] published special relativity in 1905 while working at the patent office in [[Bern]].",
        "[[Ada Lovelace]] wrote what many call the first computer program, for [[Charles Babbage]]'s Analytical "
        "Engine.",
        "[[Galileo Galilei]] observed four moons orbiting [[Jupiter]] in 1610.",
        "[[Dmitri Mendeleev]] arranged the elements by atomic mass and left gaps for elements not yet discovered.",
        "[[Louis Pasteur]] showed that microorganisms cause fermentation and developed a vaccine against rabies.",
        "[[Alexander Fleming]] noticed in 1928 that a mould had killed the bacteria on a culture plate.",
        "[[Lise Meitner]] and [[Otto Frisch]] explained nuclear fission over Christmas 1938.",
        "[[C. V. Raman]] discovered the scattering of light that carries his name and won the Nobel Prize in 1930.",
        "[[Srinivasa Ramanujan]] wrote to [[G. H. Hardy]] at [[Cambridge]] with pages of new formulas.",
        "[[Nikola Tesla]] worked on alternating current, which [[George Westinghouse]] used to light the 1893 fair "
        "in [[Chicago]].",
        "[[Jagadish Chandra Bose]] built instruments in [[Kolkata]] to measure the growth of plants.",
        "[[Michael Faraday]] showed that a moving magnet induces a current in a coil of wire.",
        "[[Rachel Carson]]'s book Silent Spring warned about pesticides such as DDT.",
        "[[Antoine Lavoisier]] named oxygen and hydrogen and showed that mass is conserved in reactions.",
        "[[Jane Goodall]] studied chimpanzees at [[Gombe]] in [[Tanzania]] for decades.",
        "[[Dorothy Hodgkin]] used X-ray crystallography to find the structure of penicillin and vitamin B12.",
        "[[Mario Molina]] showed how CFCs destroy the ozone layer and shared the 1995 Nobel Prize in Chemistry.",
        "[[Rita Levi-Montalcini]] discovered nerve growth factor, at first in a bedroom laboratory in [[Turin]].",
        "[[Erwin Schrödinger]], born in [[Vienna]] in 1887, described electrons with a wave equation.",
    ],
    "history": [
        "[[Julius Caesar]] crossed the [[Rubicon]] in 49 BC and started a civil war.",
        "[[Napoleon Bonaparte]] crowned himself emperor in [[Notre-Dame]] in 1804.",
        "[[Queen Victoria]] reigned for 63 years, and the period is named after her.",
        "[[Mahatma Gandhi]] led the Salt March to [[Dandi]] in 1930 to protest the British salt tax.",
        "[[Nelson Mandela]] spent 27 years in prison, 18 of them on [[Robben Island]].",
        "[[Joan of Arc]] helped lift the siege of [[Orléans]] in 1429.",
        "[[Cleopatra]] was the last active ruler of the Ptolemaic Kingdom of [[Egypt]].",
        "[[Winston Churchill]] became Prime Minister of the [[United Kingdom]] in May 1940.",
        "[[Abraham Lincoln]] delivered the address at [[Gettysburg]] in November 1863.",
        "[[Benito Juárez]], a Zapotec lawyer from [[Oaxaca]], became president of [[Mexico]] in 1858.",
        "[[Emiliano Zapata]] fought for land reform under the slogan 'Tierra y Libertad'.",
        "[[Maria Theresa]] ruled the Habsburg lands from [[Vienna]] for forty years and made schooling compulsory "
        "in 1774.",
        "[[Giuseppe Garibaldi]] and his Redshirts sailed from [[Genoa]] to [[Sicily]] in 1860.",
        "[[Rosa Parks]] refused to give up her seat on a bus in [[Montgomery]], [[Alabama]], in 1955.",
        "[[Martin Luther King]] gave the 'I Have a Dream' speech in [[Washington]] in 1963.",
        "[[Elizabeth I]] saw the Spanish Armada defeated in 1588.",
        "[[Charlemagne]] was crowned emperor in [[Rome]] on Christmas Day in the year 800.",
        "[[Simón Bolívar]] led the independence of [[Venezuela]], [[Colombia]], [[Ecuador]], [[Peru]] and "
        "[[Bolivia]].",
        "[[Frederick Douglass]] escaped slavery in 1838 and wrote three autobiographies.",
        "[[Rani Lakshmibai]] of [[Jhansi]] fought against the East India Company in 1857-58.",
        "[[Jawaharlal Nehru]] became the first Prime Minister of [[India]] on 15 August 1947.",
        "[[Marie Antoinette]], born an Austrian archduchess, was executed in [[Paris]] in 1793.",
        "[[Hatshepsut]] was one of the few women to rule [[Egypt]] as pharaoh.",
        "[[Leonardo da Vinci]] was born in 1452 near [[Vinci]] in [[Tuscany]].",
    ],
    "geography": [
        "The [[Nile]] flows north through eleven countries before reaching the [[Mediterranean Sea]].",
        "[[Mount Everest]] rises 8,849 metres above sea level on the border of [[Nepal]] and [[China]].",
        "The [[Danube]] passes through four capital cities: [[Vienna]], [[Bratislava]], [[Budapest]] and "
        "[[Belgrade]].",
        "The [[Amazon]] carries more water than any other river on Earth.",
        "[[Kilimanjaro]] is a dormant volcano in [[Tanzania]] with three volcanic cones.",
        "[[Mont Blanc]] is the highest mountain in the [[Alps]], at about 4,806 metres.",
        "The [[Ganges]] begins at the [[Gangotri Glacier]] in the [[Himalayas]] and ends in the [[Bay of Bengal]].",
        "The [[Thames]] flows through [[Oxford]] and [[London]] before reaching the [[North Sea]].",
        "The [[Rhine]] rises in the Swiss [[Alps]] and reaches the [[North Sea]] near [[Rotterdam]].",
        "The [[Sahara]] is the largest hot desert in the world and covers much of northern [[Africa]].",
        "[[Mexico City]] was built on the site of [[Tenochtitlan]], on an island in [[Lake Texcoco]].",
        "[[Mumbai]] grew from seven islands that were joined by land reclamation.",
        "[[Vienna]] lies on the [[Danube]] at the eastern edge of the [[Alps]]; in this case study we compare its "
        "districts.",
        "The [[Great Barrier Reef]] off [[Queensland]] is the largest coral reef system in the world.",
        "[[Lake Victoria]] is shared by [[Uganda]], [[Kenya]] and [[Tanzania]].",
        "The [[Andes]] run for about 7,000 km along the western side of [[South America]].",
        "[[Rome]] was built on seven hills beside the [[Tiber]].",
        "The [[St. Lawrence River]] connects the [[Great Lakes]] with the [[Atlantic Ocean]] past [[Montreal]] and "
        "[[Quebec City]].",
        "The [[Po]] is the longest river in [[Italy]] and drains the plain around [[Milan]] and [[Turin]].",
        "The [[Loire]] is the longest river in [[France]], passing [[Orléans]], [[Tours]] and [[Nantes]].",
        "[[Popocatépetl]] is an active volcano about 70 km south-east of [[Mexico City]].",
        "The [[Grossglockner]] is the highest mountain in [[Austria]], at 3,798 metres.",
        "[[Ben Nevis]] in the Scottish [[Highlands]] is the highest mountain in the [[United Kingdom]].",
        "The [[Mississippi]] and the [[Missouri]] together form one of the longest river systems in the world.",
        "[[Toronto]] sits on the north-western shore of [[Lake Ontario]].",
    ],
    "literature": [
        "In [[William Shakespeare]]'s play, [[Romeo]] and [[Juliet]] meet at a feast given by the [[Capulets]].",
        "[[Charles Dickens]] wrote [[Oliver Twist]] to show the cruelty of the workhouses of [[London]].",
        "[[Jane Austen]]'s [[Elizabeth Bennet]] first dislikes Mr [[Darcy]] because of his pride.",
        "[[Victor Hugo]] tells the story of [[Jean Valjean]], who is hunted by Inspector [[Javert]].",
        "[[Miguel de Cervantes]] sent [[Don Quixote]] and [[Sancho Panza]] across [[La Mancha]].",
        "[[Dante Alighieri]] is guided through the Inferno by the poet [[Virgil]].",
        "In [[Goethe]]'s [[Faust]], a scholar makes a pact with [[Mephistopheles]].",
        "[[Gabriel García Márquez]] set his great novel in the invented town of [[Macondo]].",
        "[[Rabindranath Tagore]] became the first non-European to win the Nobel Prize in Literature, in 1913.",
        "[[R. K. Narayan]] set many of his stories in the fictional town of [[Malgudi]].",
        "[[Frida Kahlo]] painted many self-portraits in her house in [[Coyoacán]].",
        "[[Mary Shelley]] began [[Frankenstein]] during a wet summer on [[Lake Geneva]] in 1816.",
        "[[Anne Frank]] kept her diary while hiding in a secret annex in [[Amsterdam]].",
        "In [[Macbeth]], [[Lady Macbeth]] urges her husband to kill King [[Duncan]].",
        "[[Ebenezer Scrooge]] is visited by three spirits on Christmas Eve.",
        "[[Sherlock Holmes]] and Dr [[Watson]] share rooms at [[221B Baker Street]].",
        "[[Atticus Finch]] defends [[Tom Robinson]] in [[Harper Lee]]'s novel, narrated by his daughter [[Scout]].",
        "[[Pip]], the orphan in Great Expectations, is secretly helped by the convict [[Magwitch]].",
        "[[Hamlet]], prince of [[Denmark]], delays avenging his father's murder by [[Claudius]].",
        "[[Pinocchio]], written by [[Carlo Collodi]] in [[Florence]], grows a longer nose with every lie.",
        "[[Alessandro Manzoni]]'s [[Renzo]] and [[Lucia]] are kept apart by [[Don Rodrigo]].",
        "[[Sor Juana Inés de la Cruz]] wrote poems and defended the right of women to study.",
        "[[Leonardo da Vinci]] painted the [[Mona Lisa]] over many years; it now hangs in the [[Louvre]].",
        "[[Franz Kafka]]'s [[Gregor Samsa]] wakes up one morning transformed into an insect.",
        "[[Dante Alighieri]] was exiled from [[Florence]] in 1302 and finished the Comedy in [[Ravenna]].",
    ],
}
LESSON_FRAMES = [
    "Unit {n}: read the paragraph and answer the questions below.", "Key facts for the test on page {n}:",
    "Homework: summarise this section in five sentences.", "Exercise {n}b: underline every name and place.",
    "Discuss with your partner, then write 150 words.", "See the textbook (ISBN 978-0-19-{n}41-2), chapter {n}.",
    "Lesson {n} of 12. Room 2.{n}.", "Quiz next week: 20 questions, 30 minutes.",
]
# Teacher's notes naming pupils of the course (roster identifiers must go).
ROSTER_NOTES = {
    "en": [
        "Teacher's note: {rname} ({rsid}) is excused from the field trip; forward the marks to {gemail}.",
        "Groups: {rname}, {rname2} and {rname3}.",
        "Note to self: {rname} needs the large-print copy, ask {gname} at parents' evening.",
        "Marked work to be returned to {remail} by Friday.",
        "Please do not seat {rname} next to {rname2} during the test.",
        "Extension granted to student {rsid} until Monday.",
        "Best model of the week: {rname}!",
        "Cover teacher: {rname} (ID {rsid_cue}) has a medical note; contact {gname} on {gemail} if unwell.",
        "Allergy list for the trip: {rname}, DOB {dob}, nuts.",
        "Birthdays this month: {rfirst} (born {dob}).",
        "Missing homework: {rsid}, {rsid2}.",
        "{rname} and {rname2} present this section on Tuesday.",
        "Parent contact for the trip: {gname}, {gemail}.",
        "Well done {rfirst} for the excellent poster.",
    ],
    "de": ["Hinweis: {rname} ({rsid}) fehlt diese Woche; Unterlagen bitte an {gemail}.",
           "Referat: {rname} und {rname2}.", "Elterngespräch mit {gname} am Donnerstag."],
    "it": ["Nota: {rname} ({rsid}) è giustificato; i voti vanno a {gemail}.",
           "Gruppi: {rname}, {rname2}.", "Colloquio con {gname} giovedì."],
}
CONTACT_NOTES = {
    "en": [
        "Questions about this unit: {tname}, {temail}.",
        "Contact {title} {tlast} at {temail} or the school office on {sphone}.",
        "School office: {saddr}, tel. {sphone}.",
        "Send permission slips to {tname}, {saddr}.",
        "Absences: call {sphone} before 8:30 or email {temail}.",
        "Prepared by {tname} ({temail}, {sphone}).",
    ],
    "de": ["Fragen bitte an {tname}, {temail}.", "Sekretariat: {saddr}, Tel. {sphone}."],
    "it": ["Per domande: prof. {tlast}, {temail}.", "Segreteria: {saddr}, tel. {sphone}."],
}
GREETINGS = {"en": ["Hi!", "hello", "Hey tutor,", "Good morning.", "hiii", "Hello,"],
             "de": ["Hallo!", "Servus,"], "fr": ["Bonjour,", "Salut !"], "it": ["Ciao!", "Buongiorno,"],
             "es": ["¡Hola!", "Buenas,"]}


# --------------------------------------------------------------------------------------------------------------
# Building a text with exact spans
# --------------------------------------------------------------------------------------------------------------
class _Text:
    """Appends pieces and records the span of every labelled one, after any casing change."""

    def __init__(self, casing: Callable[[str], str] | None = None):
        self.casing = casing
        self.parts: list[str] = []
        self.length = 0
        self.entities: list[dict] = []
        self.keep: list[dict] = []

    def add(self, piece: str, kind: str | None = None, roster: bool = False, variant: str | None = None) -> None:
        if self.casing is not None:
            piece = self.casing(piece)
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        if kind == KEEP:
            self.keep.append({"start": start, "end": self.length})
        elif kind is not None:
            entity = {"type": kind, "start": start, "end": self.length, "roster": roster}
            if variant:
                entity["variant"] = variant
            self.entities.append(entity)

    def fill(self, template: str, resolve: Callable[[str], tuple[str | None, str, bool, str | None]]) -> None:
        for literal, field, _spec, _conv in string.Formatter().parse(template):
            for i, part in enumerate(re.split(r"\[\[|\]\]", literal)):
                if part:
                    self.add(part, KEEP if i % 2 else None)
            if field is not None:
                self.add(*_reorder(resolve(field)))

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _reorder(resolved: tuple[str | None, str, bool, str | None]) -> tuple[str, str | None, bool, str | None]:
    kind, value, roster, variant = resolved
    return value, kind, roster, variant


# Entities worth counting apart: phone-like numbers no validator accepts, roster IDs written without any cue.
VARIANTS = {"badphone": "invalid_phone", "rsid": "no_cue"}


def _pattern(rng: random.Random, fmt: str) -> str:
    out = []
    for ch in fmt:
        if ch == "#":
            out.append(rng.choice(string.digits))
        elif ch == "N":
            out.append(rng.choice("23456789"))
        elif ch == "@":
            out.append(rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ"))
        else:
            out.append(ch)
    return "".join(out)


def _valid_phone(text: str, locale: str) -> bool:
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(text, locale.split("_")[1]))
    except phonenumbers.NumberParseException:
        return False


def _ascii(text: str) -> str:
    text = text.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("œ", "oe")
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", _ascii(text).lower())


# --------------------------------------------------------------------------------------------------------------
# Values per locale
# --------------------------------------------------------------------------------------------------------------
class _World:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.fakers: dict[str, Faker] = {}
        for i, locale in enumerate((*LOCALES, "es_ES", "de_DE", "de_CH")):
            fake = Faker(locale)
            fake.seed_instance(seed + i)
            self.fakers[locale] = fake

    # People --------------------------------------------------------------------------------------------------
    def first(self, locale: str) -> str:
        return self.fakers[locale].first_name()

    def last(self, locale: str) -> str:
        return self.fakers[locale].last_name()

    def person(self, locale: str) -> tuple[str, str]:
        """A first and last name; sometimes compound, double-barrelled or with a particle."""
        rng = self.rng
        first, last = self.first(locale), self.last(locale)
        roll = rng.random()
        if roll < 0.08:
            last = f"{last}-{self.last(locale)}" if locale not in ("es_MX",) else f"{last} {self.last(locale)}"
        elif roll < 0.14 and locale == "es_MX":
            last = f"{last} {self.last(locale)}"
        elif roll < 0.18:
            last = rng.choice(SURNAME_PARTICLES)
        elif roll < 0.22 and locale in ("fr_FR", "en_CA"):
            first = f"{first}-{self.first(locale)}"
        return first, last

    def name_variant(self, first: str, last: str, allow_case: bool = True) -> str:
        """How people write a name: as is, lower case, capitals, accents dropped, nickname, middle initial."""
        rng = self.rng
        roll = rng.random()
        full = f"{first} {last}"
        if not allow_case:
            return full
        if roll < 0.55:
            return full
        if roll < 0.70:
            return full.lower()
        if roll < 0.76:
            return full.upper()
        if roll < 0.82:
            return _ascii(full).lower()
        if roll < 0.89:
            return f"{rng.choice(NICKNAMES)} {last}"
        if roll < 0.95:
            return f"{first} {rng.choice(string.ascii_uppercase)}. {last}"
        return f"{first} {last}".title() if "'" not in last else full

    # Contacts ------------------------------------------------------------------------------------------------
    def email(self, locale: str, first: str | None = None, last: str | None = None, private: bool = False) -> str:
        """An address on a free, intranet or company domain; private=True (parents) never an intranet one."""
        rng = self.rng
        if first is None or last is None:
            first, last = self.first(locale), self.last(locale)
        f, lname = _slug(first) or "kid", _slug(last) or "family"
        local = rng.choice([
            f"{f}.{lname}", f"{f[0]}.{lname}", f"{f}{lname}", f"{f}_{lname}", f"{f}.{lname}{rng.randint(1, 99)}",
            f"{f}.{lname}+homework", f"{f}+{rng.choice(['school', 'maths', 'tutor'])}", f"{lname}.{f}",
            f"{f}{rng.randint(2008, 2019)}", f"{f[0]}{lname}{rng.randint(1, 9)}", f"{f}-{lname}",
        ])
        roll = rng.random()
        if roll < 0.45 or (private and roll < 0.85):
            domain = rng.choice(FREE_EMAIL_DOMAINS[locale])
        elif roll < 0.80 and not private:
            domain = rng.choice(INTRANET_DOMAINS)
        else:
            domain = self.fakers[locale].domain_name()
        address = f"{local}@{domain}"
        return address.upper() if rng.random() < 0.04 else address

    def phone(self, locale: str) -> str:
        """A number in one of the locale's written formats that libphonenumber accepts as valid."""
        for _ in range(100):
            candidate = _pattern(self.rng, self.rng.choice(PHONE_FORMATS[locale]))
            if _valid_phone(candidate, locale):
                return candidate
        raise RuntimeError(f"no valid {locale} phone number drawn")

    def _raw_phone(self, locale: str) -> str:
        return _pattern(self.rng, self.rng.choice(PHONE_FORMATS[locale]))

    def bad_phone(self, locale: str) -> str:
        """Phone-like numbers libphonenumber rejects: a digit dropped or doubled, reserved ranges, wrong lengths."""
        for _ in range(50):
            candidate = self._phone_like(locale)
            if not _valid_phone(candidate, locale):
                return candidate
        raise RuntimeError("no invalid phone-like number drawn")

    def _phone_like(self, locale: str) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            valid = self._raw_phone(locale)
            digits = [i for i, ch in enumerate(valid) if ch.isdigit()]
            i = rng.choice(digits[2:])
            if rng.random() < 0.5:
                candidate = valid[:i] + valid[i + 1:]
            else:
                candidate = valid[:i] + rng.choice(string.digits) * 2 + valid[i:]
            return candidate.strip(" -./")
        return _pattern(rng, rng.choice(BAD_PHONE_FORMATS))

    def student_id(self, fmt: str | None = None) -> str:
        rng = self.rng
        value = _pattern(rng, fmt or rng.choice(STUDENT_ID_FORMATS))
        return value.lower() if fmt is None and rng.random() < 0.12 else value

    # Addresses -----------------------------------------------------------------------------------------------
    def address(self, locale: str) -> str:
        rng = self.rng
        fake = self.fakers[locale]
        full = rng.random() < 0.35
        n = rng.randint(1, 250)
        if locale in ("en_US", "en_CA"):
            street = rng.choice([fake.last_name(), fake.first_name(), "Main", "Oak", "Maple", "Cedar", "Pine",
                                 f"{rng.choice(['W', 'E', 'N', 'S'])} {rng.randint(5, 20)}th", "Lakeshore", "King"])
            kind = rng.choice(["St", "Street", "Ave", "Avenue", "Rd", "Road", "Blvd", "Drive", "Dr", "Lane", "Ct",
                               "Way", "Place", "Crescent"])
            unit = rng.choice(["", "", f" Apt {rng.randint(1, 30)}", f" Apt. {rng.randint(1, 30)}B",
                               f", Suite {rng.randint(100, 999)}", f" #{rng.randint(1, 20)}",
                               f" Unit {rng.randint(1, 9)}"])
            line = f"{rng.randint(1, 9999)} {street} {kind}{unit}"
            if rng.random() < 0.15 and locale == "en_CA":
                line = f"Unit {rng.randint(1, 40)}, {rng.randint(10, 999)} {street} {kind} W"
            if rng.random() < 0.2:
                line = re.sub(r"\s+", " ", fake.street_address().replace("\n", ", ")).strip()
            if full:
                if locale == "en_US":
                    line += f", {fake.city()}, {fake.state_abbr()} {fake.zipcode()}"
                else:
                    line += f", {fake.city()}, {fake.province_abbr()} {fake.postalcode()}"
            return line
        if locale == "en_GB":
            road_name = rng.choice([fake.last_name(), "Baker", "Church", "Mill", "Station", "Victoria", "High"])
            road_kind = rng.choice(["Street", "Road", "Lane", "Close", "Avenue", "Gardens", "Crescent", "Drive", "Way",
                                    "Grove", "Terrace", "Mews"])
            road = f"{road_name} {road_kind}"
            line = rng.choice([f"Flat {rng.randint(1, 12)}, {n} {road}", f"{n} {road}", f"{n}{rng.choice('ab')} {road}",
                               f"Rose Cottage, {n} {road}", f"Flat {rng.randint(1, 9)}{rng.choice('ABC')}, "
                               f"{fake.last_name()} House, {road}"])
            if full:
                line += f", {fake.city()} {fake.postcode()}"
            return line
        if locale == "es_MX":
            roll = rng.random()
            if roll < 0.35:
                line = re.sub(r"\s+,", ",", re.sub(r"\s+", " ", fake.street_address())).strip()
            elif roll < 0.55:
                colonia = rng.choice(["Centro", "Roma Norte", "Del Valle", "Narvarte"])
                line = f"Calle {fake.last_name()} {n}, Col. {colonia}"
            elif roll < 0.70:
                avenue = rng.choice(["Insurgentes Sur", "Reforma", "Juárez", "Universidad"])
                line = f"Av. {avenue} {rng.randint(100, 3000)} Int. {rng.randint(1, 20)}"
            elif roll < 0.80:
                line = f"Periférico Sur {rng.randint(100, 9999)} Interior {rng.randint(1, 600)}"
            else:  # Spain, same language
                es = self.fakers["es_ES"]
                line = rng.choice([f"Calle Mayor {n}, {rng.randint(1, 9)}º {rng.choice('ABCD')}",
                                   f"C/ de {es.last_name()} {n}, {rng.randint(1, 6)}º izquierda",
                                   f"Avda. de la Constitución {n}, {rng.randint(1, 8)}º{rng.choice('ABC')}",
                                   f"Plaza de {es.last_name()} {n}"])
                if full:
                    line += f", {es.postcode()} {rng.choice(['Madrid', 'Sevilla', 'Valencia', 'Zaragoza'])}"
                return line
            if full:
                city = rng.choice(["Ciudad de México", "Guadalajara", "Monterrey", "Puebla"])
                line += f", C.P. {rng.randint(1000, 99999):05d}, {city}"
            return line
        if locale == "de_AT":
            roll = rng.random()
            if roll < 0.35:
                line = fake.street_address()
                plz = fake.postcode()
                city = fake.city()
            elif roll < 0.65:
                name = rng.choice([fake.last_name(), "Etzler", "Linden", "Mühl", "Schön", "Kirchen", "Hof"])
                kind = rng.choice(["gasse", "straße", "weg", "ring", "platz", "Gasse"])
                sep = "" if kind.islower() else " "
                number = rng.choice([f"{n}", f"{n}-{rng.randint(1, 9)}", f"{n}/{rng.randint(1, 5)}/"
                                     f"{rng.randint(1, 30)}", f"{n}a", f"{n}/{rng.randint(1, 12)}"])
                line = f"{name}{sep}{kind} {number}"
                plz, city = f"{rng.randint(1, 9)}{rng.randint(0, 9)}{rng.randint(0, 9)}0", "Wien"
            elif roll < 0.85:
                de = self.fakers["de_DE"]
                line, plz, city = de.street_address(), de.postcode(), de.city()
            else:
                ch = self.fakers["de_CH"]
                line, plz, city = ch.street_address(), ch.postcode(), ch.city()
            if full:
                line += f", {plz} {city}"
            return line
        if locale == "fr_FR":
            roll = rng.random()
            if roll < 0.4:
                line = fake.street_address()
            else:
                kind = rng.choice(["rue", "avenue", "boulevard", "allée", "impasse", "place", "chemin"])
                name = rng.choice(["de la Paix", "des Lilas", f"{fake.first_name()} {fake.last_name()}",
                                   "du Moulin", "de la République", "Voltaire", "des Écoles"])
                number = rng.choice([f"{n}", f"{n} bis", f"{n},", f"{n} ter"])
                line = f"{number} {kind} {name}"
                if rng.random() < 0.2:
                    line = f"Appartement {rng.randint(1, 40)}, {line}"
                elif rng.random() < 0.15:
                    line = f"Bât. {rng.choice('ABC')}, {line}"
            if full:
                line += f", {fake.postcode()} {fake.city()}"
            return line
        if locale == "it_IT":
            roll = rng.random()
            if roll < 0.35:
                line = fake.street_address()
            else:
                kind = rng.choice(["Via", "Viale", "Piazza", "Corso", "Vicolo", "Largo"])
                name = rng.choice(["Roma", "Garibaldi", "dei Mille", "Dante", f"{fake.first_name()} {fake.last_name()}",
                                   "XX Settembre", "Vittorio Emanuele II", "delle Rose"])
                line = rng.choice([f"{kind} {name} {n}", f"{kind} {name}, {n}", f"{kind} {name} {n}, int. "
                                   f"{rng.randint(1, 20)}", f"{kind} {name} {n}/{rng.choice('ABC')}"])
            if full:
                line += f", {fake.postcode()} {rng.choice(ITALIAN_CITIES)}"
            return line
        # en_IN
        roll = rng.random()
        area = rng.choice(["Banjara Hills", "Koregaon Park", "Bandra West", "Salt Lake", "Indiranagar", "Anna Nagar",
                           "Aundh", "Jayanagar"])
        if roll < 0.25:
            line = re.sub(r"\s*\n\s*", ", ", fake.street_address())
        elif roll < 0.45:
            road = rng.choice(["MG Road", "Linking Road", "FC Road", "Park Street"])
            line = f"Flat {rng.randint(1, 40)}{rng.choice('ABCD')}, {road}"
        elif roll < 0.60:
            line = f"H.No. {rng.randint(1, 9)}-{rng.randint(1, 9)}-{rng.randint(10, 99)}, {area}"
        elif roll < 0.75:
            line = f"{rng.randint(1, 999)}, Sector {rng.randint(1, 60)}"
        else:
            line = f"{rng.choice('ABCD')}-{rng.randint(101, 1204)}, {fake.last_name()} Apartments, {area}"
        if full:
            city = rng.choice(["Mumbai", "Pune", "Hyderabad", "Kolkata", "Chennai", "Bengaluru"])
            line += f", {city} {fake.postcode()}"
        return line

    def dob(self, language: str, locale: str) -> str:
        rng = self.rng
        year, month, day = rng.randint(2008, 2019), rng.randint(1, 12), rng.randint(1, 28)
        if language == "en":
            months = MONTHS["en"]
            suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
            us = locale == "en_US"
            forms = [f"{day} {months[month - 1]} {year}", f"{day}{suffix} {months[month - 1]} {year}",
                     f"{day}{suffix} of {months[month - 1]} {year}", f"{months[month - 1]} {day}, {year}",
                     f"{months[month - 1][:3]} {day} {year}",
                     f"{month:02d}/{day:02d}/{year}" if us else f"{day:02d}/{month:02d}/{year}",
                     f"{month}/{day}/{year}" if us else f"{day}/{month}/{year}",
                     f"{year}-{month:02d}-{day:02d}", f"{day:02d}-{month:02d}-{year}", f"{day:02d}.{month:02d}.{year}"]
            return rng.choice(forms)
        months = MONTHS[language]
        if language == "de":
            forms = [f"{day}.{month}.{year}", f"{day:02d}.{month:02d}.{year}", f"{day}. {months[month - 1]} {year}"]
        elif language == "fr":
            d = "1er" if day == 1 else str(day)
            forms = [f"{d} {months[month - 1]} {year}", f"{day:02d}/{month:02d}/{year}"]
        elif language == "it":
            forms = [f"{day} {months[month - 1]} {year}", f"{day:02d}/{month:02d}/{year}", f"{day}.{month}.{year}"]
        else:
            forms = [f"{day} de {months[month - 1]} de {year}", f"{day:02d}/{month:02d}/{year}",
                     f"{day} de {months[month - 1]} del {year}"]
        return rng.choice(forms)


# --------------------------------------------------------------------------------------------------------------
# Rosters
# --------------------------------------------------------------------------------------------------------------
def _rosters(world: _World) -> dict[str, list[dict]]:
    rng = world.rng
    rosters: dict[str, list[dict]] = {}
    used_ids: set[str] = set()
    for key, course in COURSES.items():
        rows = []
        seen_names: set[str] = set()
        size = rng.randint(15, 30)
        while len(rows) < size:
            locale = course["locale"] if rng.random() < 0.5 else rng.choice(LOCALES)
            first, last = world.person(locale)
            if f"{first} {last}".lower() in seen_names or len(_slug(first)) < 2:
                continue
            seen_names.add(f"{first} {last}".lower())
            sid = world.student_id(course["sid"])
            while sid in used_ids:
                sid = world.student_id(course["sid"])
            used_ids.add(sid)
            local = rng.choice([f"{_slug(first)}.{_slug(last)}",
                                f"{_slug(first)[0]}{_slug(last)}{rng.randint(10, 99)}"])
            guardian_last = last if rng.random() < 0.7 else world.last(locale)
            guardian_first = world.first(locale)
            rows.append({
                "first_name": first,
                "last_name": last,
                "email": f"{local}@{course['domain']}",
                "student_id": sid,
                "grade": course["grade"],
                "guardian_name": f"{guardian_first} {guardian_last}",
                "guardian_email": world.email(locale, guardian_first, guardian_last, private=True),
                "_locale": locale,
            })
        rosters[key] = rows
    return rosters


# --------------------------------------------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------------------------------------------
def _public_value(world: _World, field: str) -> str:
    base = field.rstrip("0123456789") if not field.startswith("pub_hist2") else "pub_hist2"
    return world.rng.choice(PUBLIC[base])


class _Resolver:
    """Turns a placeholder into (entity type or KEEP, value, from roster); repeated placeholders reuse the value."""

    def __init__(self, world: _World, locale: str, language: str, roster: list[dict] | None = None,
                 course: dict | None = None, vary_names: bool = True):
        self.world, self.locale, self.language = world, locale, language
        self.roster = roster or []
        self.course = course
        self.vary_names = vary_names
        self.cache: dict[str, tuple[str | None, str, bool]] = {}
        self.roster_picks: dict[str, dict] = {}
        self.used_values: set[str] = set()

    def _pupil(self, field: str) -> dict:
        suffix = re.sub(r"^[a-z_]+?(\d*)$", r"\1", field)
        if suffix not in self.roster_picks:
            taken = {id(p) for p in self.roster_picks.values()}
            choices = [p for p in self.roster if id(p) not in taken]
            self.roster_picks[suffix] = self.world.rng.choice(choices)
        return self.roster_picks[suffix]

    def __call__(self, field: str) -> tuple[str | None, str, bool, str | None]:
        if field not in self.cache:
            for _ in range(20):
                value = self._draw(field)
                if value[1].lower() not in self.used_values or value[0] == KEEP:
                    break
            self.used_values.add(value[1].lower())
            self.cache[field] = value
        kind, value, roster = self.cache[field]
        return kind, value, roster, VARIANTS.get(field.rstrip("0123456789"))

    def _draw(self, field: str) -> tuple[str | None, str, bool]:
        w, loc, rng = self.world, self.locale, self.world.rng
        base = field.rstrip("0123456789")
        if base.startswith("pub_"):
            return KEEP, _public_value(w, field), False
        if base == "name":
            first, last = w.person(loc)
            return "PERSON", w.name_variant(first, last, self.vary_names), False
        if base == "first":
            return "PERSON", w.first(loc), False
        if base in ("last", "tlast"):
            return "PERSON", w.last(loc), False
        if base == "tname":
            return "PERSON", f"{w.first(loc)} {w.last(loc)}", False
        if base == "title":
            return None, rng.choice(["Mr", "Ms", "Mrs", "Dr"]), False
        if base == "email":
            return "EMAIL_ADDRESS", w.email(loc), False
        if base == "temail":
            staff = self.course["staff_domain"] if self.course else "school.org"
            tname = self.cache.get("tname") or self.cache.get("tlast")
            who = _slug(tname[1].split()[-1]) if tname else _slug(w.last(loc))
            local = rng.choice([who, f"{who[:1]}.{who}", f"{who}.teacher", f"{who}{rng.randint(1, 9)}"])
            return "EMAIL_ADDRESS", f"{local}@{staff}", False
        if base in ("phone", "sphone"):
            return "PHONE_NUMBER", w.phone(loc), False
        if base == "badphone":
            return "PHONE_NUMBER", w.bad_phone(loc), False
        if base == "sid":
            return "STUDENT_ID", w.student_id(), False
        if base in ("addr", "saddr"):
            return "STREET_ADDRESS", w.address(loc), False
        if base == "dob":
            return "DATE_OF_BIRTH", w.dob(self.language, loc), False
        pupil = self._pupil(field)
        full = f"{pupil['first_name']} {pupil['last_name']}"
        if base == "rname":
            if not self.vary_names:
                return "PERSON", full, True
            spaced = f"{pupil['first_name']}  {pupil['last_name']}"
            variants = [full, full, full, full.lower(), full.upper(), _ascii(full).lower(), spaced]
            return "PERSON", rng.choice(variants), True
        if base == "rname_upper":
            return "PERSON", full.upper(), True
        if base == "rfirst":
            return "PERSON", pupil["first_name"], True
        if base == "rname_mixed":
            return "PERSON", f"{pupil['first_name']} {pupil['last_name'].lower()}", True
        if base == "remail":
            email = pupil["email"]
            return "EMAIL_ADDRESS", email.upper() if rng.random() < 0.05 else email, True
        if base == "rsid":
            sid = pupil["student_id"]
            roll = rng.random()
            if roll < 0.1:
                sid = sid.lower()
            elif roll < 0.2 and re.search(r"[-/]", sid):
                sid = re.sub(r"[-/]", rng.choice([" ", ""]), sid)
            return "STUDENT_ID", sid, True
        if base == "rsid_cue":
            return "STUDENT_ID", pupil["student_id"], True
        if base == "gname":
            name = pupil["guardian_name"]
            return "PERSON", name.lower() if rng.random() < 0.2 else name, True
        if base == "gemail":
            return "EMAIL_ADDRESS", pupil["guardian_email"], True
        raise KeyError(field)


def _language_for(world: _World, locale: str, native_share: float = 0.35) -> str:
    language = LANGUAGE[locale]
    return language if language != "en" and world.rng.random() < native_share else "en"


def _unlabelled_repeat(text: str, entities: list[dict], keep: list[dict]) -> bool:
    """True when a labelled value also occurs unlabelled in the text, or a personal value equals a public one."""
    spans = [(e["start"], e["end"]) for e in entities] + [(k["start"], k["end"]) for k in keep]
    kept = {text[k["start"]:k["end"]].lower() for k in keep}
    for e in entities:
        value = text[e["start"]:e["end"]]
        if len(value) < 3:
            return True
        if any(value.lower() == k or value.lower() in k.split() for k in kept):
            return True
        if any(part in kept for part in value.lower().split()):
            return True
        for m in re.finditer(r"(?<!\w)" + re.escape(value) + r"(?!\w)", text, flags=re.IGNORECASE):
            if not any(s <= m.start() and m.end() <= t for s, t in spans):
                return True
    return False


def _add_new(rng: random.Random, pieces: list[str], bank: list[str]) -> None:
    """Append a template from bank that the message does not already contain."""
    choices = [t for t in bank if t not in pieces]
    if choices:
        pieces.append(rng.choice(choices))


def _learner_record(world: _World, rosters: dict[str, list[dict]], mode: str, wanted: str) -> dict:
    rng = world.rng
    course_key = rng.choice(list(COURSES))
    roster = rosters[course_key]
    writer = rng.choice(roster)
    locale = writer["_locale"] if mode == "roster" else LOCALES[rng.randrange(len(LOCALES))]
    language = _language_for(world, locale)
    roll = rng.random()
    casing = str.lower if roll < 0.08 else str.upper if roll < 0.11 else None
    resolver = _Resolver(world, locale, language, roster=roster, course=COURSES[course_key])
    resolver.roster_picks[""] = writer  # the pupil who writes; {rname2} etc. are classmates
    text = _Text(casing)
    pieces: list[str] = []
    if rng.random() < 0.3:
        pieces.append(rng.choice(GREETINGS[language]))
    if mode == "pii":
        kinds = [wanted] + [rng.choice(list(SNIPPETS["en"])) for _ in range(rng.choice([0, 0, 1, 1, 2]))]
        for kind in kinds:
            _add_new(rng, pieces, SNIPPETS[language][kind])
    elif mode == "roster":
        bank = ROSTER_SNIPPETS.get(language, ROSTER_SNIPPETS["en"])
        _add_new(rng, pieces, bank)
        if rng.random() < 0.35:
            _add_new(rng, pieces, ROSTER_SNIPPETS["en"] if language == "en" else bank)
        if rng.random() < 0.2:
            _add_new(rng, pieces, SNIPPETS[language][rng.choice(list(SNIPPETS["en"]))])
    else:
        if rng.random() < 0.55:
            pieces.append(rng.choice(HARD_NEGATIVES))
    if mode != "clean" or rng.random() < 0.8 or not pieces:
        pieces.append(rng.choice(QUESTIONS[language]))
    if mode != "clean":
        order = pieces[1:] if pieces and pieces[0] in GREETINGS[language] else pieces
        question = order.pop()
        rng.shuffle(order)
        if rng.random() < 0.4:
            order.insert(0, question)
        else:
            order.append(question)
        pieces = ([pieces[0]] if pieces[0] in GREETINGS[language] else []) + order
    separator = rng.choice([" ", " ", " ", "\n", "  "])
    for i, piece in enumerate(pieces):
        if i:
            text.add(separator)
        resolver.cache.clear()  # each sentence draws its own values; the roster pupils stay the same
        text.fill(piece, resolver)
    return {"kind": "learner", "course": course_key, "locale": locale, "text": text.text,
            "entities": text.entities, "keep": text.keep}


def _course_record(world: _World, rosters: dict[str, list[dict]], course_key: str, mode: set[str]) -> dict:
    rng = world.rng
    course = COURSES[course_key]
    locale = course["locale"]
    subject = course["subject"] if rng.random() < 0.8 else rng.choice(list(FACTS))
    facts = rng.sample(FACTS[subject], rng.randint(3, 5))
    text = _Text()
    language = LANGUAGE[locale] if rng.random() < 0.3 else "en"
    resolver = _Resolver(world, locale, language, roster=rosters[course_key], course=course, vary_names=False)
    blocks: list[Callable[[], None]] = []
    if rng.random() < 0.5:
        frame = rng.choice(LESSON_FRAMES).replace("{n}", str(rng.randint(1, 9)))
        blocks.append(lambda: text.add(frame))
    for fact in facts:
        blocks.append(lambda f=fact: text.fill(f, resolver))
    notes: list[str] = []
    if "roster" in mode:
        _add_new(rng, notes, ROSTER_NOTES.get(language, ROSTER_NOTES["en"]))
        if rng.random() < 0.25:
            _add_new(rng, notes, ROSTER_NOTES["en"])
    if "contact" in mode:
        _add_new(rng, notes, CONTACT_NOTES.get(language, CONTACT_NOTES["en"]))
    paragraph_break = rng.choice([" ", "\n", "\n\n"])
    for i, block in enumerate(blocks):
        if i:
            text.add(" ")
        block()
    for note in notes:
        text.add(paragraph_break)
        text.fill(note, resolver)
    return {"kind": "course", "course": course_key, "locale": locale, "text": text.text,
            "entities": text.entities, "keep": text.keep}


def generate(seed: int = DEFAULT_SEED) -> dict:
    """Rosters per course and labelled records; the same seed gives the same data (with the pinned Faker)."""
    world = _World(seed)
    rng = world.rng
    rosters = _rosters(world)
    records: list[dict] = []

    def accepted(make: Callable[[], dict]) -> dict:
        for _ in range(50):
            record = make()
            if not _unlabelled_repeat(record["text"], record["entities"], record["keep"]):
                return record
        raise RuntimeError("could not draw a record without an unlabelled repeat")

    kinds = list(SNIPPETS["en"])
    for i in range(N_LEARNER):
        roll = rng.random()
        mode = "roster" if roll < 0.30 else "clean" if roll < 0.45 else "pii"
        wanted = kinds[i % len(kinds)]
        record = accepted(lambda m=mode, k=wanted: _learner_record(world, rosters, m, k))
        records.append({"id": f"L{i + 1:04d}", **record})
    course_keys = list(COURSES)
    for i in range(N_COURSE):
        key = course_keys[i % len(course_keys)]
        roll = rng.random()
        mode = {"roster"} if roll < 0.35 else {"contact"} if roll < 0.55 else {"roster", "contact"} \
            if roll < 0.65 else set()
        record = accepted(lambda k=key, m=mode: _course_record(world, rosters, k, m))
        records.append({"id": f"C{i + 1:04d}", **record})
    for record in records:
        record["entities"].sort(key=lambda e: e["start"])
        record["keep"].sort(key=lambda k: k["start"])
    public_rosters = {key: [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]
                      for key, rows in rosters.items()}
    return {"rosters": public_rosters, "records": records}


# --------------------------------------------------------------------------------------------------------------
# Checking and counting
# --------------------------------------------------------------------------------------------------------------
_EDGE_PUNCT = ".,;:!?"


def _norm(value: str) -> str:
    """Roster comparison key: casing, accents, spaces and separators do not matter."""
    return re.sub(r"[\W_]+", "", _ascii(value).casefold())
MIN_LEARNER_SPANS_PER_TYPE = 60


def validate(data: dict) -> list[str]:
    """Every problem with a generated set: offsets, overlaps, word cuts, types, locales, counts, roster links."""
    problems: list[str] = []
    rosters = data["rosters"]
    if not 4 <= len(rosters) <= 6:
        problems.append(f"{len(rosters)} courses, expected 4-6")
    roster_values: dict[str, set[str]] = {}
    for key, rows in rosters.items():
        if not 15 <= len(rows) <= 30:
            problems.append(f"roster {key} has {len(rows)} pupils")
        values = set()
        for row in rows:
            if set(row) != {"first_name", "last_name", "email", "student_id", "grade", "guardian_name",
                            "guardian_email"}:
                problems.append(f"roster {key} row has fields {sorted(row)}")
            values.update(_norm(str(v)) for k, v in row.items() if k != "grade")
            values.add(_norm(f"{row['first_name']} {row['last_name']}"))
        roster_values[key] = values
    ids = set()
    for record in data["records"]:
        rid = record["id"]
        if rid in ids:
            problems.append(f"{rid}: duplicate id")
        ids.add(rid)
        text = record["text"]
        if record["kind"] not in ("learner", "course"):
            problems.append(f"{rid}: kind {record['kind']}")
        if record["locale"] not in LOCALES:
            problems.append(f"{rid}: locale {record['locale']}")
        if record["course"] is not None and record["course"] not in rosters:
            problems.append(f"{rid}: unknown course {record['course']}")
        spans = []
        for span in record["entities"] + record["keep"]:
            start, end = span["start"], span["end"]
            label = span.get("type", KEEP)
            if label not in (*ENTITY_TYPES, KEEP):
                problems.append(f"{rid}: type {label}")
            if not (0 <= start < end <= len(text)):
                problems.append(f"{rid}: span {start}-{end} outside text")
                continue
            value = text[start:end]
            if value != value.strip():
                problems.append(f"{rid}: {label} {value!r} has surrounding spaces")
            if label != KEEP and (value[0] in _EDGE_PUNCT + ")" or value[-1] in _EDGE_PUNCT + "("):
                problems.append(f"{rid}: {label} {value!r} has surrounding punctuation")
            if (start > 0 and text[start - 1].isalnum()) or (end < len(text) and text[end].isalnum()):
                problems.append(f"{rid}: {label} {value!r} cuts a word")
            if span.get("roster") and _norm(value) not in roster_values.get(record["course"], set()):
                problems.append(f"{rid}: roster {label} {value!r} not in roster {record['course']}")
            spans.append((start, end))
        spans.sort()
        for (s1, e1), (s2, _e2) in zip(spans, spans[1:], strict=False):
            if s2 < e1:
                problems.append(f"{rid}: spans {s1}-{e1} and {s2} overlap")
    counts = summarize(data)
    for entity_type in ENTITY_TYPES:
        if counts["learner_spans"].get(entity_type, 0) < MIN_LEARNER_SPANS_PER_TYPE:
            problems.append(f"only {counts['learner_spans'].get(entity_type, 0)} learner {entity_type} spans")
    for locale in LOCALES:
        if not counts["learner_locales"].get(locale):
            problems.append(f"no learner record in {locale}")
    return problems


def summarize(data: dict) -> dict:
    """Counts per record kind, entity type, locale; how many records carry no personal data."""
    learner_spans: Counter = Counter()
    course_spans: Counter = Counter()
    roster_spans: Counter = Counter()
    learner_locales: Counter = Counter()
    course_locales: Counter = Counter()
    spans_by_locale: Counter = Counter()
    kinds: Counter = Counter()
    no_pii: Counter = Counter()
    keep: Counter = Counter()
    for record in data["records"]:
        kinds[record["kind"]] += 1
        (learner_locales if record["kind"] == "learner" else course_locales)[record["locale"]] += 1
        if not record["entities"]:
            no_pii[record["kind"]] += 1
        keep[record["kind"]] += len(record["keep"])
        for entity in record["entities"]:
            (learner_spans if record["kind"] == "learner" else course_spans)[entity["type"]] += 1
            spans_by_locale[record["locale"]] += 1
            if entity.get("roster"):
                roster_spans[f"{record['kind']}:{entity['type']}"] += 1
    return {"records": dict(kinds), "no_pii_records": dict(no_pii), "keep_spans": dict(keep),
            "learner_spans": dict(learner_spans), "course_spans": dict(course_spans),
            "roster_spans": dict(sorted(roster_spans.items())), "learner_locales": dict(learner_locales),
            "course_locales": dict(course_locales), "spans_by_locale": dict(spans_by_locale),
            "roster_sizes": {k: len(v) for k, v in data["rosters"].items()}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="folder for records.jsonl and rosters.jsonl")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args(argv)
    data = generate(args.seed)
    problems = validate(data)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    with (args.out_dir / "records.jsonl").open("w", encoding="utf-8") as out:
        for record in data["records"]:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    with (args.out_dir / "rosters.jsonl").open("w", encoding="utf-8") as out:
        for key, rows in data["rosters"].items():
            for row in rows:
                out.write(json.dumps({"course": key, **row}, ensure_ascii=False) + "\n")
    print(json.dumps(summarize(data), indent=2, ensure_ascii=False))
    for problem in problems:
        print("PROBLEM:", problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
