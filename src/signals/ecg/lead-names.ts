/** Channel labels that name an ECG lead (EDF/GDF/CSV channels analysed as ECG without an explicit choice). */
export const ECG_LABEL = /ecg|ekg|mlii|^lead|^(i|ii|iii|avr|avl|avf|v[1-6])$/i;
