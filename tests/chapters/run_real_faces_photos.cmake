# ch08_real_faces on "your own photographs": a first --quick run draws a picture (its held-out
# scenes), which a second run is then given twice — as a positional photo and, through a
# WIDER-format --annotations file written here, with one labelled box. The second run must
# measure it ("Your annotated photographs: … faces found") and draw both; an annotation naming a
# missing image, or a box outside its image, must stop the program with exit 1, naming the file
# and its line. With --model, the first run's saved detector searches the photo without training.
# Usage: cmake -DPROGRAM=path -DOUT=dir -P run_real_faces_photos.cmake
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}/first" "${OUT}/second" "${OUT}/nodata" "${OUT}/mine")
execute_process(COMMAND "${PROGRAM}" --quick --out "${OUT}/first" --data "${OUT}/nodata" RESULT_VARIABLE rc
                OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the first run exited with ${rc}")
endif()
file(COPY "${OUT}/first/ch08_real_faces_scenes.png" DESTINATION "${OUT}/mine")
file(WRITE "${OUT}/mine/faces_bbx_gt.txt" "ch08_real_faces_scenes.png\n1\n10 10 60 60 0 0 0 0 0 0\n")
execute_process(COMMAND "${PROGRAM}" --quick --out "${OUT}/second" --data "${OUT}/nodata"
                        --annotations "${OUT}/mine/faces_bbx_gt.txt" "${OUT}/mine/ch08_real_faces_scenes.png"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the run on the photographs exited with ${rc}")
endif()
if(NOT out MATCHES "Your annotated photographs: [0-9]+ of 1 faces found at IoU >= 0.5")
  message(FATAL_ERROR "the run did not measure the annotated photograph")
endif()
foreach(k 1 2)
  if(NOT EXISTS "${OUT}/second/ch08_real_faces_yours_${k}.png")
    message(FATAL_ERROR "ch08_real_faces_yours_${k}.png was not drawn")
  endif()
endforeach()
# --model: the first run's saved detector and threshold, no training
file(MAKE_DIRECTORY "${OUT}/third")
execute_process(COMMAND "${PROGRAM}" --quick --out "${OUT}/third" --data "${OUT}/nodata"
                        --model "${OUT}/first/ch08_face_detector_generated.nnm" "${OUT}/mine/ch08_real_faces_scenes.png"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "operating threshold p.face. >= 0[.][0-9]+.*Your photographs:" OR out MATCHES "fold 1/5"
   OR NOT EXISTS "${OUT}/third/ch08_real_faces_yours_1.png")
  message(FATAL_ERROR "--model: exit ${rc}, output:\n${out}${err}")
endif()
file(WRITE "${OUT}/mine/missing_bbx_gt.txt" "ch08_real_faces_scenes.png\n0\n0 0 0 0 0 0 0 0 0 0\nno-such.png\n0\n0 0 0 0 0 0 0 0 0 0\n")
execute_process(COMMAND "${PROGRAM}" --quick --out "${OUT}/second" --data "${OUT}/nodata"
                        --annotations "${OUT}/mine/missing_bbx_gt.txt"
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "no-such.png .named in .*missing_bbx_gt.txt, line 4. does not exist")
  message(FATAL_ERROR "a missing image: exit ${rc}, message: ${err}")
endif()
file(WRITE "${OUT}/mine/outside_bbx_gt.txt" "ch08_real_faces_scenes.png\n1\n5000 10 60 60 0 0 0 0 0 0\n")
execute_process(COMMAND "${PROGRAM}" --quick --out "${OUT}/second" --data "${OUT}/nodata"
                        --annotations "${OUT}/mine/outside_bbx_gt.txt"
                RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
if(NOT rc EQUAL 1 OR NOT err MATCHES "outside_bbx_gt.txt:3: the face .5000.00, 10.00, 5060.00, 70.00. is empty or not inside")
  message(FATAL_ERROR "a box outside its photo: exit ${rc}, message: ${err}")
endif()
message("the photographs were measured, drawn, and a missing one and a box outside its photo named")
